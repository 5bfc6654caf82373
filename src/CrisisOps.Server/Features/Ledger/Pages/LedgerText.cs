namespace CrisisOps.Server.Features.Ledger.Pages;

/// <summary>
/// Marker for the sunshine ledger's page texts (LedgerText.resx, LedgerText.zh-CN.resx): kept beside the pages so the
/// ledger's words travel with its feature rather than in the console's shared resource file.
/// </summary>
public sealed class LedgerText;
