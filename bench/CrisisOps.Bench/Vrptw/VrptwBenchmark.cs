using System.Diagnostics;
using System.Globalization;
using CrisisOps.Routing.Instances;
using CrisisOps.Routing.Vrp;

namespace CrisisOps.Bench.Vrptw;

/// <summary>Which solver runs beside ours.</summary>
internal enum Baseline
{
    OrTools,
    None,
}

/// <summary>What the command line asked for.</summary>
/// <param name="Budgets">Time limits per solve, smallest first; the last is the one the closing line reports.</param>
internal sealed record VrptwOptions(IReadOnlyList<string> Files, IReadOnlyList<TimeSpan> Budgets, int Seed, Baseline Baseline)
{
    public const string Usage = "usage: vrptw <instance files…> [--seconds 10 | --seconds 1,10] [--seed 1] [--baseline ortools|none]";

    /// <exception cref="ArgumentException">An option is unknown or its value is not understood.</exception>
    public static VrptwOptions Parse(IReadOnlyList<string> args)
    {
        var files = new List<string>();
        IReadOnlyList<TimeSpan> budgets = [TimeSpan.FromSeconds(10)];
        var seed = 1;
        var baseline = Baseline.OrTools;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                files.Add(arg);
                continue;
            }

            var value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            switch (arg)
            {
                case "--seconds":
                    budgets = [.. value.Split(',').Select(s =>
                        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= 3600
                            ? TimeSpan.FromSeconds(seconds)
                            : throw new ArgumentException($"--seconds: '{s}' is not a number of seconds in (0, 3600]")).Order()];
                    break;
                case "--seed":
                    seed = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : throw new ArgumentException($"--seed: '{value}' is not a whole number");
                    break;
                case "--baseline":
                    baseline = value.ToUpperInvariant() switch
                    {
                        "ORTOOLS" or "OR-TOOLS" => Baseline.OrTools,
                        "NONE" => Baseline.None,
                        _ => throw new ArgumentException($"--baseline: '{value}' is neither ortools nor none"),
                    };
                    break;
                default:
                    throw new ArgumentException($"unknown option {arg}");
            }
        }

        return files.Count == 0 ? throw new ArgumentException("no instance files given") : new VrptwOptions(files, budgets, seed, baseline);
    }
}

/// <summary>One solver's run on one instance, as the independent checker sees it.</summary>
/// <param name="Check">Null when the solver gave no solution at all (<paramref name="Failure"/> says why).</param>
internal sealed record SolverRun(SolutionCheck? Check, TimeSpan Elapsed, string? Failure)
{
    public decimal? Gap(BestKnown? best) =>
        Check is { Feasible: true } check && best is { Cost: > 0 } ? (check.Cost - best.Cost) / best.Cost * 100m : null;
}

/// <summary>One instance's line of a budget's table.</summary>
internal sealed record Row(BenchmarkInstance Instance, InstanceFormat Format, BestKnown? Best, SolverRun Ours, SolverRun? Theirs);

/// <summary>
/// <c>vrptw</c>: solves benchmark instances with the product's solver and, beside it with the same time limit, with
/// OR-Tools; prints per budget a table of distance, vehicles, feasibility and gap to the best known solution, all
/// judged by <see cref="SolutionChecker"/> rather than by what either solver reports. The last line is
/// <c>average gap X.XX %</c> for ours at the largest budget, over the instances it solved feasibly.
/// </summary>
internal static class VrptwBenchmark
{
    public const string Command = "vrptw";

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter progress)
    {
        VrptwOptions options;
        try
        {
            options = VrptwOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            progress.WriteLine(e.Message);
            progress.WriteLine(VrptwOptions.Usage);
            return 2;
        }

        var failed = false;
        var instances = new List<(BenchmarkInstance Instance, InstanceFormat Format, BestKnown? Best)>();
        foreach (var file in options.Files)
        {
            try
            {
                var instance = InstanceFile.Read(file);
                InstanceFormat format;
                using (var text = File.OpenText(file))
                {
                    format = InstanceFile.Detect(text, file);
                }

                instances.Add((instance, format, BestKnown.Find(file, instance.Name)));
            }
            catch (InstanceFormatException e)
            {
                output.WriteLine($"error: {e.Message}");
                failed = true;
            }
            catch (IOException e)
            {
                output.WriteLine($"error: {file}: {e.Message}");
                failed = true;
            }
            catch (UnauthorizedAccessException e)
            {
                output.WriteLine($"error: {file}: {e.Message}");
                failed = true;
            }
        }

        decimal? closing = null;
        foreach (var budget in options.Budgets)
        {
            var rows = new List<Row>();
            foreach (var (instance, format, best) in instances)
            {
                progress.Write(Invariant($"[{Seconds(budget)} s] {instance.Name}: ours … "));
                var ours = RunOurs(instance, budget, options.Seed);
                progress.Write(Describe(ours));
                SolverRun? theirs = null;
                if (options.Baseline == Baseline.OrTools)
                {
                    progress.Write("; OR-Tools … ");
                    theirs = RunOrTools(instance, budget);
                    progress.Write(Describe(theirs));
                }

                progress.WriteLine();
                failed |= ours.Failure is not null || theirs?.Failure is not null;
                rows.Add(new Row(instance, format, best, ours, theirs));
            }

            closing = Print(output, budget, options, rows);
        }

        output.WriteLine(closing is { } gap ? Invariant($"average gap {gap:F2} %") : "average gap n/a");
        return failed ? 1 : 0;
    }

    private static SolverRun RunOurs(BenchmarkInstance instance, TimeSpan budget, int seed)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var solution = VrpSolver.Solve(instance.Problem, new VrpOptions(budget, seed));
            return new SolverRun(SolutionChecker.Check(instance, solution), clock.Elapsed, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A solver that throws on one instance is reported in its row; the others still run.
            return new SolverRun(null, clock.Elapsed, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private static SolverRun RunOrTools(BenchmarkInstance instance, TimeSpan budget)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var routes = OrToolsBaseline.Solve(instance, budget);
            return routes is null
                ? new SolverRun(null, clock.Elapsed, "no solution within the time limit")
                : new SolverRun(SolutionChecker.Check(instance, routes), clock.Elapsed, null);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or DllNotFoundException or TypeInitializationException)
        {
            return new SolverRun(null, clock.Elapsed, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Prints one budget's table and its average-gap lines; returns ours' average gap.</summary>
    private static decimal? Print(TextWriter output, TimeSpan budget, VrptwOptions options,
        List<Row> rows)
    {
        var withBaseline = options.Baseline == Baseline.OrTools;
        output.WriteLine();
        output.WriteLine(Invariant($"### {Seconds(budget)} s per instance (seed {options.Seed})"));
        output.WriteLine();
        output.WriteLine("| instance | BKS | BKS vehicles | ours: distance | vehicles | feasible | gap % | time s |" + (withBaseline ? " OR-Tools: distance | vehicles | feasible | gap % | time s |" : ""));
        output.WriteLine("|---|---:|---:|---:|---:|---|---:|---:|" + (withBaseline ? "---:|---:|---|---:|---:|" : ""));
        var notes = new List<string>();
        foreach (var (instance, _, best, ours, theirs) in rows)
        {
            var line = $"| {instance.Name} | {(best is null ? "—" : Invariant($"{best.Cost}"))} | {best?.Vehicles?.ToString(CultureInfo.InvariantCulture) ?? "—"} | {Cells(ours, best)} |";
            if (theirs is not null)
            {
                line += $" {Cells(theirs, best)} |";
            }

            output.WriteLine(line);
            Note(notes, instance, "ours", ours);
            if (theirs is not null)
            {
                Note(notes, instance, "OR-Tools", theirs);
            }
        }

        output.WriteLine();
        foreach (var note in notes)
        {
            output.WriteLine(note);
        }

        // The solver's goals are stated for the Solomon set, so a mixed run also shows each set on its own.
        var sets = rows.GroupBy(r => r.Format).ToList();
        if (sets.Count > 1)
        {
            foreach (var set in sets)
            {
                var label = set.Key == InstanceFormat.Solomon ? "Solomon" : "CVRPLIB";
                Average(output, $"ours, {label}", [.. set.Select(r => (r.Best, r.Ours))]);
                if (withBaseline)
                {
                    Average(output, $"OR-Tools, {label}", [.. set.Select(r => (r.Best, r.Theirs!))]);
                }
            }
        }

        var ourGap = Average(output, "ours", [.. rows.Select(r => (r.Best, r.Ours))]);
        if (withBaseline)
        {
            Average(output, "OR-Tools", [.. rows.Select(r => (r.Best, r.Theirs!))]);
        }

        return ourGap;
    }

    private static decimal? Average(TextWriter output, string solver, List<(BestKnown? Best, SolverRun Run)> runs)
    {
        var gaps = runs.Select(r => r.Run.Gap(r.Best)).OfType<decimal>().ToList();
        var infeasible = runs.Count(r => r.Run.Check is not { Feasible: true });
        var unknown = runs.Count(r => r.Best is null);
        decimal? average = gaps.Count > 0 ? gaps.Average() : null;
        var text = average is { } a ? Invariant($"{a:F2} %") : "n/a";
        output.WriteLine(Invariant($"{solver}: average gap {text} over {gaps.Count} of {runs.Count} instances ({infeasible} infeasible or failed, {unknown} without a best known cost)"));
        return average;
    }

    private static string Cells(SolverRun run, BestKnown? best)
    {
        var time = Invariant($"{run.Elapsed.TotalSeconds:F1}");
        if (run.Check is not { } check)
        {
            return $"— | — | failed | — | {time}";
        }

        var gap = run.Gap(best) is { } g ? Invariant($"{g:F2}") : "—";
        return Invariant($"{check.Cost:F1} | {check.Vehicles} | {(check.Feasible ? "yes" : "no")} | {gap} | {time}");
    }

    private static void Note(List<string> notes, BenchmarkInstance instance, string solver, SolverRun run)
    {
        if (run.Failure is { } failure)
        {
            notes.Add($"- {instance.Name}, {solver}: {failure}");
        }
        else if (run.Check is { Feasible: false, Reason: { } reason })
        {
            notes.Add($"- {instance.Name}, {solver} infeasible: {reason}");
        }
    }

    private static string Describe(SolverRun run) =>
        run.Check is { } c
            ? Invariant($"{c.Cost:F1}, {c.Vehicles} vehicles, {(c.Feasible ? "feasible" : "INFEASIBLE")} in {run.Elapsed.TotalSeconds:F1} s")
            : $"failed: {run.Failure}";

    private static string Seconds(TimeSpan budget) => budget.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
