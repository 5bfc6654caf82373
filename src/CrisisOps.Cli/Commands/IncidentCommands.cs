using System.CommandLine;
using System.Globalization;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary><c>incident report</c>, <c>incident list</c> and <c>incident show</c>.</summary>
internal static class IncidentCommands
{
    public static readonly string[] Categories = ["natural-disaster", "accident", "public-health", "social-security"];
    public static readonly string[] Severities = ["I", "II", "III", "IV"];
    public static readonly string[] Statuses = ["reported", "verified", "responding", "recovering", "closed"];

    public static Command Create(CliRuntime runtime) =>
        new("incident", Strings.CommandIncident) { Report(runtime), List(runtime), Show(runtime) };

    private static Command Report(CliRuntime runtime)
    {
        var title = new Option<string>("--title") { Description = Strings.OptionTitle, HelpName = "T", Required = true };
        var type = new Option<string>("--type") { Description = Strings.OptionIncidentType, HelpName = "TYPE", Required = true };
        var category = new Option<string>("--category") { Description = Strings.OptionCategory, HelpName = "CAT", Required = true };
        category.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, Categories);
        var severity = new Option<string>("--severity") { Description = Strings.OptionSeverity, HelpName = "I|II|III|IV", Required = true };
        severity.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, Severities);
        var latitude = new Option<double?>("--lat")
        {
            Description = Strings.OptionLatitude,
            HelpName = "X",
            CustomParser = r => Parsers.ParseLatitude(r),
        };
        var longitude = new Option<double?>("--lon")
        {
            Description = Strings.OptionLongitude,
            HelpName = "Y",
            CustomParser = r => Parsers.ParseLongitude(r),
        };
        var region = new Option<string>("--region") { Description = Strings.OptionIncidentRegion, HelpName = "CODE" };
        var description = new Option<string>("--description") { Description = Strings.OptionDescription, HelpName = "D" };
        var eventId = new Option<string>("--event") { Description = Strings.OptionEvent, HelpName = "ID" };
        var idempotencyKey = new Option<string>("--idempotency-key") { Description = Strings.OptionIdempotencyKey, HelpName = "K" };
        var command = new Command("report", Strings.CommandIncidentReport)
        {
            title, type, category, severity, latitude, longitude, region, description, eventId, idempotencyKey,
        };
        command.Validators.Add(result =>
        {
            var hasLatitude = result.GetResult(latitude) is not null;
            var hasLongitude = result.GetResult(longitude) is not null;
            if (hasLatitude != hasLongitude)
            {
                result.AddError(Strings.LatLonTogether);
            }
            else if (hasLatitude && result.GetResult(region) is not null)
            {
                result.AddError(Strings.LocationOrRegion);
            }
        });

        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var location = parseResult.GetValue(latitude) is { } lat && parseResult.GetValue(longitude) is { } lon
                ? new GeoPoint(lat, lon)
                : null;
            var request = new ReportIncidentRequest(
                parseResult.GetRequiredValue(title),
                parseResult.GetValue(description),
                parseResult.GetRequiredValue(category).ToLowerInvariant(),
                parseResult.GetRequiredValue(type),
                parseResult.GetRequiredValue(severity).ToUpperInvariant(),
                location,
                parseResult.GetValue(region),
                parseResult.GetValue(eventId));

            // The key makes a retry after a lost response safe: the server answers with the
            // incident it already created instead of creating a second one.
            var key = parseResult.GetValue(idempotencyKey) is { Length: > 0 } given
                ? given
                : Guid.NewGuid().ToString("D", CultureInfo.InvariantCulture);
            var client = context.Connect();
            ApiResponse response;
            try
            {
                response = await client.PostJsonAsync(
                    "api/v1/incidents",
                    request,
                    cancellationToken,
                    new Dictionary<string, string>(StringComparer.Ordinal) { ["Idempotency-Key"] = key });
            }
            catch (ServerUnreachableException)
            {
                context.Warn(Localized.Format(Strings.RetryWithKey, key));
                throw;
            }

            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var incident = response.Read<Incident>();
            context.Out.MarkupLine(Markup.Escape(Localized.Format(
                response.Status == 201 ? Strings.IncidentReported : Strings.IncidentAlreadyReported,
                incident.Number ?? incident.Id)));
            WriteIncident(context, incident);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List(CliRuntime runtime)
    {
        var region = new Option<string>("--region") { Description = Strings.OptionRegionFilter, HelpName = "CODE" };
        var status = new Option<string>("--status") { Description = Strings.OptionStatus, HelpName = "S" };
        status.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, Statuses);
        var eventId = new Option<string>("--event") { Description = Strings.OptionEventFilter, HelpName = "ID" };
        var page = new Option<int?>("--page") { Description = Strings.OptionPage, HelpName = "N" };
        var pageSize = new Option<int?>("--page-size") { Description = Strings.OptionPageSize, HelpName = "N" };
        var command = new Command("list", Strings.CommandIncidentList) { region, status, eventId, page, pageSize };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var response = await context.Connect().GetAsync(
                "api/v1/incidents",
                new QueryParameters
                {
                    { "region", parseResult.GetValue(region) },
                    { "status", parseResult.GetValue(status)?.ToLowerInvariant() },
                    { "eventId", parseResult.GetValue(eventId) },
                    { "page", parseResult.GetValue(page)?.ToString(CultureInfo.InvariantCulture) },
                    { "pageSize", parseResult.GetValue(pageSize)?.ToString(CultureInfo.InvariantCulture) },
                },
                cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var result = response.Read<IncidentPage>();
            var items = result.Items ?? [];
            var table = new Table()
                .AddColumn(Strings.ColumnNumber)
                .AddColumn(Strings.ColumnTitle)
                .AddColumn(Strings.ColumnCategory)
                .AddColumn(Strings.ColumnType)
                .AddColumn(Strings.ColumnSeverity)
                .AddColumn(Strings.ColumnStatus)
                .AddColumn(Strings.ColumnRegion)
                .AddColumn(Strings.ColumnReportedAt);
            foreach (var incident in items)
            {
                table.AddRow(
                    Cells.Plain(incident.Number ?? incident.Id),
                    Cells.ExerciseMark(incident.IsExercise) + Cells.Plain(incident.Title),
                    Cells.Plain(incident.Category),
                    Cells.Plain(incident.Type),
                    Cells.Severity(incident.Severity),
                    Cells.Plain(incident.Status),
                    Cells.Plain(incident.RegionNameZh ?? incident.RegionNameEn ?? incident.RegionCode),
                    Markup.Escape(context.Moment(incident.ReportedAt)));
            }

            context.Out.Write(table);
            context.Out.MarkupLine($"[grey]{Markup.Escape(Localized.Format(
                Strings.IncidentPageSummary, items.Count, result.Total ?? items.Count, result.Page ?? 1))}[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Show(CliRuntime runtime)
    {
        var id = new Argument<string>("ID") { Description = Strings.ArgumentIncidentId };
        var command = new Command("show", Strings.CommandIncidentShow) { id };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var response = await context.Connect().GetAsync(
                $"api/v1/incidents/{Uri.EscapeDataString(parseResult.GetRequiredValue(id))}", null, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var detail = response.Read<IncidentDetail>();
            if (detail.Incident is { } incident)
            {
                WriteIncident(context, incident);
            }

            var reports = detail.Reports ?? [];
            context.Out.WriteLine();
            context.Out.MarkupLine($"[bold]{Markup.Escape(Localized.Format(Strings.ReportsHeading, reports.Count))}[/]");
            if (reports.Count > 0)
            {
                var table = new Table()
                    .AddColumn(Strings.ColumnFiledAt)
                    .AddColumn(Strings.ColumnKind)
                    .AddColumn(Strings.ColumnFiledBy)
                    .AddColumn(Strings.ColumnText);
                foreach (var report in reports)
                {
                    table.AddRow(
                        Markup.Escape(context.Moment(report.FiledAt)),
                        Cells.Plain(report.Kind),
                        Cells.Plain(report.FiledBy),
                        Cells.Plain(report.Text));
                }

                context.Out.Write(table);
            }

            var deadlines = detail.Deadlines ?? [];
            context.Out.WriteLine();
            context.Out.MarkupLine($"[bold]{Markup.Escape(Localized.Format(Strings.DeadlinesHeading, deadlines.Count))}[/]");
            if (deadlines.Count > 0)
            {
                context.Out.Write(DeadlineCommands.Table(
                    deadlines, DeadlineCommands.ServerNow(context, response), context.Environment.DisplayTimeZone));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteIncident(CliContext context, Incident incident)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string label, string markup) => grid.AddRow($"[grey]{Markup.Escape(label)}[/]", markup);

        Row(Strings.ColumnNumber, $"[bold]{Cells.Plain(incident.Number)}[/] [grey]({Cells.Plain(incident.Id)})[/]");
        Row(Strings.ColumnTitle, Cells.ExerciseMark(incident.IsExercise) + Cells.Plain(incident.Title));
        Row(Strings.ColumnCategory, $"{Cells.Plain(incident.Category)} / {Cells.Plain(incident.Type)}");
        Row(Strings.ColumnSeverity, Cells.Severity(incident.Severity));
        Row(Strings.ColumnStatus, Cells.Plain(incident.Status));
        Row(Strings.ColumnRegion, $"{Cells.Plain(incident.RegionCode)} {Cells.Names(incident.RegionNameZh, incident.RegionNameEn)}");
        if (incident.Location is { } location)
        {
            Row(Strings.ColumnLocation, Markup.Escape($"{Parsers.FormatDegrees(location.Lat)}, {Parsers.FormatDegrees(location.Lon)}"));
        }

        if (!string.IsNullOrEmpty(incident.EventId))
        {
            Row(Strings.ColumnEvent, Cells.Plain(incident.EventId));
        }

        Row(Strings.ColumnReportedAt, Markup.Escape($"{context.Moment(incident.ReportedAt)}  {incident.ReportedBy}  ({incident.Source})"));
        if (incident.Flags is { Count: > 0 } flags)
        {
            Row(Strings.ColumnFlags, Cells.List(flags));
        }

        if (!string.IsNullOrEmpty(incident.Description))
        {
            Row(Strings.ColumnDescription, Cells.Plain(incident.Description));
        }

        context.Out.Write(grid);
    }
}
