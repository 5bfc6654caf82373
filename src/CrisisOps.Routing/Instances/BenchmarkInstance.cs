using CrisisOps.Routing.Vrp;

namespace CrisisOps.Routing.Instances;

/// <summary>A standard benchmark instance read into the product's problem form, with its points for drawing.</summary>
/// <param name="Scale">Matrix units per instance unit (10 for Solomon: distances truncated to one decimal).</param>
public sealed record BenchmarkInstance(string Name, VrpProblem Problem, IReadOnlyList<(double X, double Y)> Points, int Scale);

/// <summary>An instance file that cannot be read: the line and what is wrong with it.</summary>
public sealed class InstanceFormatException(string file, int line, string problem)
    : Exception($"{file}:{line}: {problem}")
{
    public string File { get; } = file;

    public int Line { get; } = line;

    public string Problem { get; } = problem;
}
