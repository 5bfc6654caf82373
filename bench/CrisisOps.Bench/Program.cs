using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using CrisisOps.Bench;
using CrisisOps.Bench.Warning;

// vrptw <files…>: our vehicle-routing solver beside OR-Tools on benchmark instances (Vrptw/VrptwBenchmark.cs).
if (args.Length > 0 && string.Equals(args[0], CrisisOps.Bench.Vrptw.VrptwBenchmark.Command, StringComparison.Ordinal))
{
    return CrisisOps.Bench.Vrptw.VrptwBenchmark.Run(args[1..], Console.Out, Console.Error);
}

// roads: the road matrix benchmark, hierarchy against plain Dijkstra (Roads/RoadMatrixDriver.cs).
if (args.Length > 0 && string.Equals(args[0], CrisisOps.Bench.Roads.RoadMatrixDriver.Command, StringComparison.Ordinal))
{
    return CrisisOps.Bench.Roads.RoadMatrixDriver.Run(args[1..]);
}

// ledger: the sunshine ledger's appends, integration delay, proofs and storage against same-run baselines (Ledger/LedgerBenchmark.cs).
if (args.Length > 0 && string.Equals(args[0], CrisisOps.Bench.Ledger.LedgerBenchmark.Command, StringComparison.Ordinal))
{
    return await CrisisOps.Bench.Ledger.LedgerBenchmark.RunAsync(args[1..]);
}

// opinion: the trained sentiment model's accuracy on the held-back split and sentences/s beside jieba alone (Opinion/OpinionBenchmark.cs).
if (args.Length > 0 && string.Equals(args[0], CrisisOps.Bench.Opinion.OpinionBenchmark.Command, StringComparison.Ordinal))
{
    return CrisisOps.Bench.Opinion.OpinionBenchmark.Run(args[1..]);
}

// opinion-stream: the whole opinion pipeline (analysis, reposts, topics, spikes) on a mixed stream beside jieba alone (Opinion/StreamBenchmark.cs).
if (args.Length > 0 && string.Equals(args[0], CrisisOps.Bench.Opinion.StreamBenchmark.Command, StringComparison.Ordinal))
{
    return CrisisOps.Bench.Opinion.StreamBenchmark.Run(args[1..]);
}

// --ingest: the HTTP load driver for reading ingest (Warning/IngestLoadDriver.cs), run once and printed; not a
// BenchmarkDotNet suite, so BenchmarkSwitcher never sees it.
if (args.Contains(IngestOptions.Flag, StringComparer.Ordinal))
{
    return await IngestLoadDriver.RunAsync(args);
}

// --claims: the HTTP load driver for parallel claims on the needs board (Needs/ClaimsLoadDriver.cs).
if (args.Contains(CrisisOps.Bench.Needs.ClaimsLoadDriver.Flag, StringComparer.Ordinal))
{
    return await CrisisOps.Bench.Needs.ClaimsLoadDriver.RunAsync();
}

// --fanout: the alert fan-out and delivery benchmark (Alerts/FanOutDriver.cs).
if (args.Contains(CrisisOps.Bench.Alerts.FanOutDriver.Flag, StringComparer.Ordinal))
{
    return await CrisisOps.Bench.Alerts.FanOutDriver.RunAsync(args);
}

// --quick: one short job for the whole suite (a few minutes on 2 cores); figures are rougher.
const string QuickFlag = "--quick";
var quick = args.Contains(QuickFlag, StringComparer.Ordinal);
var config = DefaultConfig.Instance.AddColumn(new OperationsPerSecondColumn());
if (quick)
{
    config = config.AddJob(Job.Default
        .WithLaunchCount(1)
        .WithWarmupCount(3)
        .WithIterationCount(5)
        .WithId("Quick"));
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly)
    .Run([.. args.Where(a => !string.Equals(a, QuickFlag, StringComparison.Ordinal))], config);
return 0;
