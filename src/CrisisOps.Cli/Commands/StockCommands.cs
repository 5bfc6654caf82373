using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary><c>stock list</c> and <c>stock receive</c>: warehouse balances and goods coming in, for scripts and the duty desk.</summary>
internal static class StockCommands
{
    public static Command Create(CliRuntime runtime) => new("stock", Strings.Stock_Command) { List(runtime), Receive(runtime) };

    private static Command List(CliRuntime runtime)
    {
        var warehouse = new Option<string>("--warehouse") { Description = Strings.Stock_OptionWarehouse, HelpName = "CODE" };
        var item = new Option<string>("--item") { Description = Strings.Stock_OptionItem, HelpName = "CODE" };
        var command = new Command("list", Strings.Stock_CommandList) { warehouse, item };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var client = context.Connect();
            var codes = new List<string>();
            if (parseResult.GetValue(warehouse) is { Length: > 0 } one)
            {
                codes.Add(one);
            }
            else
            {
                var warehouses = (await client.GetAsync("api/v1/warehouses", null, cancellationToken)).Root();
                codes.AddRange(warehouses.GetProperty("items").EnumerateArray().Select(w => w.GetProperty("code").GetString()!));
            }

            // One row per warehouse and item, the same for people and scripts.
            var rows = new JsonArray();
            foreach (var code in codes)
            {
                var stock = (await client.GetAsync($"api/v1/warehouses/{Uri.EscapeDataString(code)}/stock", null, cancellationToken)).Root();
                foreach (var line in stock.GetProperty("items").EnumerateArray())
                {
                    if (parseResult.GetValue(item) is { Length: > 0 } only && line.GetProperty("itemCode").GetString() != only)
                    {
                        continue;
                    }

                    var row = JsonNode.Parse(line.GetRawText())!.AsObject();
                    row.Insert(0, "warehouse", code);
                    rows.Add(row);
                }
            }

            if (context.Json)
            {
                context.WriteJson(new JsonObject { ["items"] = rows }.ToJsonString());
                return ExitCodes.Success;
            }

            var zh = CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal);
            var table = new Table().AddColumn(Strings.Stock_ColumnWarehouse).AddColumn(Strings.Stock_ColumnItem).AddColumn(Strings.Stock_ColumnOnHand)
                .AddColumn(Strings.Stock_ColumnReserved).AddColumn(Strings.Stock_ColumnAvailable).AddColumn(Strings.Stock_ColumnNextExpiry);
            foreach (var row in rows.Select(r => r!.AsObject()))
            {
                var unit = (zh ? row["unitZh"] : row["unitEn"])?.GetValue<string>() ?? "";
                var next = row["lots"]!.AsArray().Select(l => l!["expires"]?.GetValue<string>()).FirstOrDefault(e => e is not null) ?? "—";
                table.AddRow(Cells.Plain(row["warehouse"]!.GetValue<string>()), Cells.Plain(row["itemCode"]!.GetValue<string>()),
                    Cells.Plain($"{Number(row["onHand"])} {unit}"), Cells.Plain(Number(row["reserved"])), Cells.Plain(Number(row["available"])),
                    Cells.Plain(next));
            }

            context.Out.Write(table);
            context.Out.MarkupLine($"[grey]{Markup.Escape(Localized.Format(Strings.Stock_Count, rows.Count))}[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Receive(CliRuntime runtime)
    {
        var warehouse = new Option<string>("--warehouse") { Description = Strings.Stock_OptionWarehouse, HelpName = "CODE", Required = true };
        var item = new Option<string>("--item") { Description = Strings.Stock_OptionItem, HelpName = "CODE", Required = true };
        var quantity = new Option<string>("--quantity") { Description = Strings.Stock_OptionQuantity, HelpName = "NUMBER", Required = true };
        var expires = new Option<string>("--expires") { Description = Strings.Stock_OptionExpires, HelpName = "YYYY-MM-DD" };
        var source = new Option<string>("--source") { Description = Strings.Stock_OptionSource, HelpName = "TEXT" };
        var command = new Command("receive", Strings.Stock_CommandReceive) { warehouse, item, quantity, expires, source };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            // Numbers and dates are read the same way whatever the user's locale.
            if (!decimal.TryParse(parseResult.GetRequiredValue(quantity), NumberStyles.Number, CultureInfo.InvariantCulture, out var amount))
            {
                throw new CliUsageException(Strings.Stock_BadQuantity);
            }

            DateOnly? last = null;
            if (parseResult.GetValue(expires) is { Length: > 0 } text)
            {
                last = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                    ? day
                    : throw new CliUsageException(Strings.Stock_BadExpires);
            }

            var response = await context.Connect().PostJsonAsync("api/v1/stock/receive",
                new ReceiveStock(parseResult.GetRequiredValue(warehouse), parseResult.GetRequiredValue(item), amount, last, parseResult.GetValue(source)),
                cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var movement = response.Root().GetProperty("movements")[0];
            context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.Stock_Received, movement.GetProperty("quantity").GetDecimal(),
                movement.GetProperty("itemCode").GetString(), movement.GetProperty("warehouse").GetString(), movement.GetProperty("sequence").GetInt64())));
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Number(JsonNode? node) => node?.GetValue<decimal>().ToString("0.###", CultureInfo.InvariantCulture) ?? "";

    private sealed record ReceiveStock(string Warehouse, string Item, decimal Quantity, DateOnly? Expires, string? Source);
}

internal static class ApiResponseJson
{
    /// <summary>The body as a JSON element, for answers read field by field.</summary>
    public static JsonElement Root(this ApiResponse response) => JsonDocument.Parse(response.Body).RootElement.Clone();
}
