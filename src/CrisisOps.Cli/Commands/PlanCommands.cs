using System.CommandLine;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary><c>plans list</c>, <c>plans show</c>, <c>plans activations</c> and <c>plans done</c>.</summary>
internal static class PlanCommands
{
    public static readonly string[] Tiers = ["general", "attention", "warning", "emergency"];

    public static Command Create(CliRuntime runtime) =>
        new("plans", Strings.CommandPlans) { List(runtime), Show(runtime), Activations(runtime), Done(runtime) };

    private static Command List(CliRuntime runtime)
    {
        var hazard = new Option<string>("--hazard") { Description = Strings.OptionHazard, HelpName = "HAZARD" };
        var tier = new Option<string>("--tier") { Description = Strings.OptionTierFilter, HelpName = "TIER" };
        tier.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, Tiers);
        var command = new Command("list", Strings.CommandPlansList) { hazard, tier };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var response = await context.Connect().GetAsync(
                "api/v1/plans",
                new QueryParameters { { "hazard", parseResult.GetValue(hazard) }, { "tier", parseResult.GetValue(tier)?.ToLowerInvariant() } },
                cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var plans = response.Read<PlanList>().Items ?? [];
            var table = new Table()
                .AddColumn(Strings.ColumnTier)
                .AddColumn(Strings.ColumnHazard)
                .AddColumn(Strings.ColumnName)
                .AddColumn(Strings.ColumnVersion)
                .AddColumn(Strings.ColumnSteps)
                .AddColumn(Strings.ColumnId);
            foreach (var plan in plans)
            {
                table.AddRow(Tier(plan.Tier), Cells.Plain(plan.Hazard), Cells.Names(plan.NameZh, plan.NameEn), Cells.Number(plan.Version),
                    Cells.Number(plan.Steps?.Count), Cells.Plain(plan.Id));
            }

            context.Out.Write(table);
            context.Out.MarkupLine($"[grey]{Markup.Escape(Localized.Format(Strings.PlanCount, plans.Count))}[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Show(CliRuntime runtime)
    {
        var id = new Argument<string>("ID") { Description = Strings.ArgumentPlanId };
        var command = new Command("show", Strings.CommandPlansShow) { id };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var response = await context.Connect().GetAsync(
                $"api/v1/plans/{Uri.EscapeDataString(parseResult.GetRequiredValue(id))}", null, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var plan = response.Read<Plan>();
            context.Out.MarkupLine("[bold]" + Markup.Escape(Localized.Format(Strings.PlanHeading,
                string.Join(" / ", new[] { plan.NameZh, plan.NameEn }.Where(n => !string.IsNullOrEmpty(n))), plan.Hazard, plan.Tier, plan.Version)) + "[/]");
            var table = new Table()
                .AddColumn(Strings.ColumnId)
                .AddColumn(Strings.ColumnStep)
                .AddColumn(Strings.ColumnOwner)
                .AddColumn(Strings.ColumnWithin)
                .AddColumn(Strings.ColumnEscalateEvery)
                .AddColumn(Strings.ColumnExpectedOutput);
            foreach (var step in plan.Steps ?? [])
            {
                table.AddRow(Cells.Plain(step.Id), Cells.Names(step.TitleZh, step.TitleEn), Cells.Plain(step.Owner),
                    Minutes(step.WithinMinutes), Minutes(step.EscalateEveryMinutes), Cells.Plain(step.ExpectedOutput));
            }

            context.Out.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Activations(CliRuntime runtime)
    {
        var region = new Option<string>("--region") { Description = Strings.OptionRegionFilter, HelpName = "CODE" };
        var hazard = new Option<string>("--hazard") { Description = Strings.OptionHazard, HelpName = "HAZARD" };
        var all = new Option<bool>("--all") { Description = Strings.OptionAllActivations };
        var command = new Command("activations", Strings.CommandPlansActivations) { region, hazard, all };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var response = await context.Connect().GetAsync(
                "api/v1/plan-activations",
                new QueryParameters
                {
                    { "region", parseResult.GetValue(region) },
                    { "hazard", parseResult.GetValue(hazard) },
                    { "status", parseResult.GetValue(all) ? "all" : "active" },
                },
                cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var activations = response.Read<PlanActivationList>().Items ?? [];
            var now = DeadlineCommands.ServerNow(context, response);
            var table = new Table()
                .AddColumn(Strings.ColumnRegion)
                .AddColumn(Strings.ColumnHazard)
                .AddColumn(Strings.ColumnTier)
                .AddColumn(Strings.ColumnPlan)
                .AddColumn(Strings.ColumnStep)
                .AddColumn(Strings.ColumnOwner)
                .AddColumn(Strings.ColumnDue)
                .AddColumn(Strings.ColumnRemaining)
                .AddColumn(Strings.ColumnStatus)
                .AddColumn(Strings.ColumnId);
            foreach (var activation in activations)
            {
                foreach (var step in activation.Steps ?? [])
                {
                    table.AddRow(
                        Cells.Plain(activation.RegionCode),
                        Cells.Plain(activation.Hazard),
                        Tier(activation.Tier),
                        Cells.Names(activation.PlanNameZh, activation.PlanNameEn),
                        Cells.Plain(step.StepId) + " " + Cells.Names(step.TitleZh, step.TitleEn),
                        Markup.Escape($"{step.Owner} @ {step.OwedByRegionCode ?? activation.RegionCode}"),
                        Markup.Escape(context.Moment(step.DueAt)),
                        Remaining(context, step, now),
                        Cells.Plain(activation.Status == "closed" ? $"{step.Status} ({activation.ClosedReason})" : step.Status),
                        Cells.Plain(activation.Id));
                }
            }

            context.Out.Write(table);
            context.Out.MarkupLine($"[grey]{Markup.Escape(Localized.Format(Strings.ActivationCount, activations.Count))}[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Done(CliRuntime runtime)
    {
        var activation = new Argument<string>("ACTIVATION") { Description = Strings.ArgumentActivationId };
        var step = new Argument<string>("STEP") { Description = Strings.ArgumentStepId };
        var note = new Option<string>("--note") { Description = Strings.OptionNote, HelpName = "TEXT" };
        var command = new Command("done", Strings.CommandPlansDone) { activation, step, note };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var stepId = parseResult.GetRequiredValue(step);
            var response = await context.Connect().PostJsonAsync(
                $"api/v1/plan-activations/{Uri.EscapeDataString(parseResult.GetRequiredValue(activation))}/steps/{Uri.EscapeDataString(stepId)}/done",
                new StepDoneRequest(parseResult.GetValue(note)),
                cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            context.Out.MarkupLine($"[green]{Markup.Escape(Localized.Format(Strings.StepDone, stepId))}[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Tiers in the colours the map uses: blue, yellow, orange, red.</summary>
    public static string Tier(string? tier) => tier switch
    {
        "general" => "[blue]general[/]",
        "attention" => "[yellow]attention[/]",
        "warning" => "[darkorange]warning[/]",
        "emergency" => "[bold red]emergency[/]",
        _ => Cells.Plain(tier),
    };

    private static string Minutes(int? minutes) => minutes switch
    {
        null => Cells.Missing,
        0 => Markup.Escape(Strings.AtOnce),
        { } m => Markup.Escape(TimeText.Duration(TimeSpan.FromMinutes(m))),
    };

    private static string Remaining(CliContext context, PlanActivationStep step, DateTimeOffset now)
    {
        if (step.CompletedAt is { } completed)
        {
            return $"[green]{Markup.Escape(Localized.Format(Strings.DeadlineCompleted, context.Moment(completed)))}[/]";
        }

        if (step.DueAt is not { } due)
        {
            return Cells.Missing;
        }

        var text = Markup.Escape(TimeText.Remaining(due, now));
        return step.IsOverdue == true || due < now ? $"[bold red]{text}[/]" : text;
    }
}
