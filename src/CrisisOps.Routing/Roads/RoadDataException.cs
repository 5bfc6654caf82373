namespace CrisisOps.Routing.Roads;

/// <summary>A road or area is malformed or missing in an extract, or a file is not an extract at all.</summary>
public sealed class RoadDataException(string message, Exception? inner = null) : Exception(message, inner);
