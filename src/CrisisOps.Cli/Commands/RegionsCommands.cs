using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary><c>regions import</c>, <c>regions list</c> and <c>regions locate</c>.</summary>
internal static class RegionsCommands
{
    public static Command Create(CliRuntime runtime) =>
        new("regions", Strings.CommandRegions) { Import(runtime), List(runtime), Locate(runtime) };

    private static Command Import(CliRuntime runtime)
    {
        var file = new Argument<FileInfo>("FILE") { Description = Strings.ArgumentGeoJsonFile };
        var dryRun = new Option<bool>("--dry-run") { Description = Strings.OptionDryRun };
        var command = new Command("import", Strings.CommandRegionsImport) { file, dryRun };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var path = parseResult.GetRequiredValue(file);
            var isDryRun = parseResult.GetValue(dryRun);
            FileStream stream;
            try
            {
                stream = path.OpenRead();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliUsageException(Localized.Format(Strings.FileUnreadable, path.FullName, e.Message));
            }

            using var content = new StreamContent(stream);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/geo+json");
            // A province with community boundaries takes a while to upload and validate: show that
            // something is happening (on stderr, so stdout stays clean for scripts).
            var client = context.Connect();
            var response = await context.Error.Status().StartAsync(
                Markup.Escape(Localized.Format(Strings.ImportInProgress, path.Name, path.Length / 1024)),
                _ => client.PostAsync(
                    "api/v1/regions/import",
                    new QueryParameters { { "dryRun", isDryRun ? "true" : "false" } },
                    content,
                    cancellationToken));
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var result = response.Read<ImportResult>();
            var summary = (result.DryRun ?? isDryRun) ? Strings.ImportDryRunSummary : Strings.ImportSummary;
            context.Out.MarkupLine(Markup.Escape(Localized.Format(summary, result.Regions ?? 0, result.Sites ?? 0)));
            var warnings = result.Warnings ?? [];
            if (warnings.Count > 0)
            {
                context.Out.MarkupLine($"[yellow]{Markup.Escape(Localized.Format(Strings.ImportWarnings, warnings.Count))}[/]");
                var table = new Table()
                    .AddColumn(Strings.ColumnFeatureIndex)
                    .AddColumn(Strings.ColumnCode)
                    .AddColumn(Strings.ColumnMessage);
                foreach (var warning in warnings)
                {
                    table.AddRow(
                        warning.Index?.ToString(CultureInfo.InvariantCulture) ?? Cells.Missing,
                        Cells.Plain(warning.Code),
                        Cells.Plain(warning.Message));
                }

                context.Out.Write(table);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List(CliRuntime runtime)
    {
        var parent = new Option<string>("--parent") { Description = Strings.OptionParent, HelpName = "CODE" };
        var level = new Option<string>("--level") { Description = Strings.OptionLevel, HelpName = "LEVEL" };
        var command = new Command("list", Strings.CommandRegionsList) { parent, level };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var response = await context.Connect().GetAsync(
                "api/v1/regions",
                new QueryParameters { { "parent", parseResult.GetValue(parent) }, { "level", parseResult.GetValue(level) } },
                cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var regions = response.Read<RegionList>().Items ?? [];
            var table = new Table()
                .AddColumn(Strings.ColumnCode)
                .AddColumn(Strings.ColumnParent)
                .AddColumn(Strings.ColumnLevel)
                .AddColumn(Strings.ColumnName)
                .AddColumn(new TableColumn(Strings.ColumnPopulation).RightAligned())
                .AddColumn(Strings.ColumnBoundary);
            foreach (var region in regions)
            {
                table.AddRow(
                    Cells.Plain(region.Code),
                    Cells.Plain(region.ParentCode),
                    Cells.Plain(region.Level),
                    Cells.DemoMark(region.IsDemo) + Cells.Names(region.NameZh, region.NameEn),
                    Cells.Number(region.Population),
                    Cells.YesNo(region.HasBoundary));
            }

            context.Out.Write(table);
            context.Out.MarkupLine($"[grey]{Markup.Escape(Localized.Format(Strings.RegionCount, regions.Count))}[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Locate(CliRuntime runtime)
    {
        var latitude = new Argument<double>("LAT") { Description = Strings.ArgumentLatitude, CustomParser = Parsers.ParseLatitude };
        var longitude = new Argument<double>("LON") { Description = Strings.ArgumentLongitude, CustomParser = Parsers.ParseLongitude };
        var command = new Command("locate", Strings.CommandRegionsLocate) { latitude, longitude };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var response = await context.Connect().GetAsync(
                "api/v1/regions/locate",
                new QueryParameters
                {
                    { "lat", Parsers.FormatDegrees(parseResult.GetValue(latitude)) },
                    { "lon", Parsers.FormatDegrees(parseResult.GetValue(longitude)) },
                },
                cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var found = response.Read<LocateResult>();
            context.Out.MarkupLine(
                $"[bold]{Cells.Plain(found.Code)}[/]  {Cells.Names(found.NameZh, found.NameEn)}  [grey]{Cells.Plain(found.Level)}[/]");
            var chain = found.Chain ?? [];
            if (chain.Count > 0)
            {
                context.Out.MarkupLine(string.Join(" [grey]›[/] ", chain.Select(r => Cells.Plain(r.NameZh ?? r.NameEn ?? r.Code))));
                var table = new Table().AddColumn(Strings.ColumnLevel).AddColumn(Strings.ColumnCode).AddColumn(Strings.ColumnName);
                foreach (var region in chain)
                {
                    table.AddRow(Cells.Plain(region.Level), Cells.Plain(region.Code), Cells.Names(region.NameZh, region.NameEn));
                }

                context.Out.Write(table);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
