namespace CrisisOps.Server.Components;

/// <summary>Marker for the console's and public site's text resources (ConsoleText.resx, ConsoleText.zh-CN.resx).</summary>
public sealed class ConsoleText;
