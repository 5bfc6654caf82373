namespace CrisisOps.Server.Features.Opinion.Pages;

/// <summary>
/// Marker for the opinion console's texts (OpinionText.resx, OpinionText.zh-CN.resx), kept beside the page so the words of
/// public opinion travel with their feature rather than in the console's shared resource file.
/// </summary>
public sealed class OpinionText;
