using System.CommandLine;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary><c>risk confirm|override|escalate|clear-override REGION HAZARD</c>: a person decides over the model.</summary>
internal static class RiskCommands
{
    private static readonly string[] AllTiers = ["none", .. PlanCommands.Tiers];

    public static Command Create(CliRuntime runtime) =>
        new("risk", Strings.CommandRisk) { Confirm(runtime), Decide(runtime, "override"), Decide(runtime, "escalate"), Clear(runtime) };

    private static (Argument<string> Region, Argument<string> Hazard) Place() =>
        (new Argument<string>("REGION") { Description = Strings.ArgumentRegionCode },
         new Argument<string>("HAZARD") { Description = Strings.ArgumentHazard });

    private static string PathOf(ParseResult parseResult, Argument<string> region, Argument<string> hazard, string action) =>
        $"api/v1/risk/{Uri.EscapeDataString(parseResult.GetRequiredValue(region))}/{Uri.EscapeDataString(parseResult.GetRequiredValue(hazard))}/{action}";

    private static Command Confirm(CliRuntime runtime)
    {
        var (region, hazard) = Place();
        var command = new Command("confirm", Strings.CommandRiskConfirm) { region, hazard };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var response = await context.Connect().PostJsonAsync(PathOf(parseResult, region, hazard, "confirm"), new { }, cancellationToken);
            return Write(context, response);
        });
        return command;
    }

    /// <summary><c>override</c> (any tier, higher or lower) and <c>escalate</c> (only above the tier in force) share their shape.</summary>
    private static Command Decide(CliRuntime runtime, string action)
    {
        var (region, hazard) = Place();
        var tier = new Option<string>("--tier") { Description = Strings.OptionTier, HelpName = "TIER", Required = true };
        tier.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, action == "escalate" ? PlanCommands.Tiers : AllTiers);
        var reason = new Option<string>("--reason") { Description = Strings.OptionReason, HelpName = "TEXT", Required = true };
        var command = new Command(action, action == "escalate" ? Strings.CommandRiskEscalate : Strings.CommandRiskOverride)
        {
            region, hazard, tier, reason,
        };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var response = await context.Connect().PostJsonAsync(PathOf(parseResult, region, hazard, action),
                new TierDecisionRequest(parseResult.GetRequiredValue(tier).ToLowerInvariant(), parseResult.GetRequiredValue(reason)),
                cancellationToken);
            return Write(context, response);
        });
        return command;
    }

    private static Command Clear(CliRuntime runtime)
    {
        var (region, hazard) = Place();
        var reason = new Option<string>("--reason") { Description = Strings.OptionReason, HelpName = "TEXT" };
        var command = new Command("clear-override", Strings.CommandRiskClearOverride) { region, hazard, reason };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var path = PathOf(parseResult, region, hazard, "override");
            if (parseResult.GetValue(reason) is { Length: > 0 } why)
            {
                path += "?reason=" + Uri.EscapeDataString(why);
            }

            return Write(context, await context.Connect().DeleteAsync(path, cancellationToken));
        });
        return command;
    }

    private static int Write(CliContext context, ApiResponse response)
    {
        if (context.Json)
        {
            context.WriteJson(response.Body);
            return ExitCodes.Success;
        }

        var risk = response.Read<RegionRisk>();
        // The sentence is ours; only the values from the server need escaping, and the tier keeps its colour.
        context.Out.MarkupLine(Localized.Format(Strings.RiskState, Cells.Plain(risk.RegionCode), Cells.Plain(risk.Hazard), PlanCommands.Tier(risk.Tier),
            Cells.Plain(risk.ModelTier)));
        if (risk.Override is { } held)
        {
            context.Out.MarkupLine("  " + Markup.Escape(Localized.Format(Strings.RiskOverrideState, held.By, held.Reason)));
        }

        if (risk.ConfirmedBy is not null)
        {
            context.Out.MarkupLine("  " + Markup.Escape(Localized.Format(Strings.RiskConfirmedState, risk.ConfirmedBy, context.Moment(risk.ConfirmedAt))));
        }

        return ExitCodes.Success;
    }
}
