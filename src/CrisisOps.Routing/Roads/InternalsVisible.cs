using System.Runtime.CompilerServices;

// The plain Dijkstra matrix (RoadRouter.MatrixByDijkstra) is the reference the tests and the benchmark hold the
// hierarchy against; it is not part of the public surface.
[assembly: InternalsVisibleTo("CrisisOps.Routing.Tests")]
[assembly: InternalsVisibleTo("CrisisOps.Bench")]
