using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using CrisisOps.Domain.Ledger;
using CrisisOps.Domain.Ledger.Audit;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary>
/// <c>ledger verify</c>, <c>ledger export</c> and <c>ledger prove</c>: anyone can check the sunshine ledger (阳光台账) —
/// against a running server, an export or a copy of the database — without an account and without trusting us
/// (docs/ledger-verify.md). The checking itself is <see cref="LedgerAuditor"/>, the same code the tests tamper against.
/// </summary>
internal static class LedgerCommands
{
    // Hashes and keys are base64 with '+': written as is, not as \u002B, so people can compare them by eye.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(CliRuntime runtime) => new("ledger", Strings.Ledger_Command) { Verify(runtime), Export(runtime), Prove(runtime) };

    private static Option<string> KeyOption() => new("--key") { Description = Strings.Ledger_OptionKey, HelpName = "VKEY" };

    private static Option<FileInfo> StateOption() => new("--state") { Description = Strings.Ledger_OptionState, HelpName = "FILE" };

    private static Command Verify(CliRuntime runtime)
    {
        var key = KeyOption();
        var state = StateOption();
        var export = new Option<DirectoryInfo>("--export") { Description = Strings.Ledger_OptionExport, HelpName = "DIR" };
        var database = new Option<FileInfo>("--database") { Description = Strings.Ledger_OptionDatabase, HelpName = "FILE.db" };
        var command = new Command("verify", Strings.Ledger_CommandVerify) { key, state, export, database };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var exportDir = parseResult.GetValue(export);
            var databaseFile = parseResult.GetValue(database);
            if (exportDir is not null && databaseFile is not null)
            {
                throw new CliUsageException(Strings.Ledger_OneSource);
            }

            var statePath = parseResult.GetValue(state)?.FullName;
            ILedgerSource source;
            Func<Task<string?>> publishedKey;
            string place;
            if (exportDir is not null)
            {
                var exported = new ExportLedgerSource(exportDir.FullName);
                source = exported;
                publishedKey = () => Task.FromResult(exported.Key);
                place = exportDir.FullName;
            }
            else if (databaseFile is not null)
            {
                source = new SqliteLedgerSource(databaseFile.FullName);
                publishedKey = () => Task.FromResult<string?>(null); // the database holds no key: it must be pinned
                place = databaseFile.FullName;
            }
            else
            {
                var server = context.ResolveServer();
                var http = new HttpLedgerSource(context.Connect(server, null));
                source = http;
                publishedKey = async () => await http.KeyAsync(cancellationToken);
                statePath ??= DefaultStatePath(context, server);
                place = server.ToString().TrimEnd('/');
            }

            try
            {
                var (verifierKey, previous) = await PinKeyAsync(context, parseResult.GetValue(key), statePath, publishedKey);
                var report = await AuditAsync(context, source, verifierKey, previous, cancellationToken);
                if (statePath is not null)
                {
                    WriteState(statePath, report.NextState);
                }

                return Print(context, place, report, statePath);
            }
            finally
            {
                (source as IDisposable)?.Dispose();
            }
        });
        return command;
    }

    private static Command Export(CliRuntime runtime)
    {
        var output = new Option<DirectoryInfo>("--out") { Description = Strings.Ledger_OptionOut, HelpName = "DIR", Required = true };
        var command = new Command("export", Strings.Ledger_CommandExport) { output };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var dir = parseResult.GetRequiredValue(output).FullName;
            if (File.Exists(Path.Combine(dir, ExportLedgerSource.CheckpointFile)))
            {
                throw new CliUsageException(Localized.Format(Strings.Ledger_ExportExists, dir));
            }

            var server = context.ResolveServer();
            var http = new HttpLedgerSource(context.Connect(server, null));
            Directory.CreateDirectory(dir);

            // The latest checkpoint first: everything after is cut at its size, so the export is one coherent snapshot.
            var note = await http.LatestCheckpointAsync(cancellationToken);
            var size = SignedCheckpointSize(note);
            await File.WriteAllTextAsync(Path.Combine(dir, ExportLedgerSource.KeyFile), await http.KeyAsync(cancellationToken) + "\n", cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(dir, ExportLedgerSource.CheckpointFile), note, cancellationToken);

            var checkpoints = 0;
            await using (var lines = File.CreateText(Path.Combine(dir, ExportLedgerSource.CheckpointsFile)))
            {
                long from = 0;
                while (true)
                {
                    var page = (await http.CheckpointItemsAsync(from, LedgerAuditor.PageSize, cancellationToken))
                        .Where(c => c.GetProperty("size").GetInt64() <= size).ToList();
                    foreach (var item in page)
                    {
                        await lines.WriteLineAsync(LedgerJson.Line(item));
                        checkpoints++;
                    }

                    if (page.Count == 0)
                    {
                        break;
                    }

                    from = page[^1].GetProperty("size").GetInt64() + 1;
                }
            }

            long entries = 0;
            await using (var lines = File.CreateText(Path.Combine(dir, ExportLedgerSource.EntriesFile)))
            {
                await WithProgressAsync(context, size, async progress =>
                {
                    for (long start = 0; start < size; start += LedgerAuditor.PageSize)
                    {
                        foreach (var item in await http.EntryItemsAsync(start, (int)Math.Min(LedgerAuditor.PageSize, size - start), cancellationToken))
                        {
                            await lines.WriteLineAsync(LedgerJson.Line(item));
                            entries++;
                        }

                        progress(Math.Min(size, start + LedgerAuditor.PageSize));
                    }
                });
            }

            var tiles = 0;
            for (var (level, width) = (0, size); width > 0; level++, width >>= LedgerTile.Height)
            {
                for (long t = 0; t * LedgerTile.FullWidth < width; t++)
                {
                    if (await http.TileAsync(level, t, cancellationToken) is not { } hashes)
                    {
                        continue; // verify names it missing
                    }

                    // A partial tile may have grown since the checkpoint: keep the hashes the snapshot's tree has.
                    var keep = (int)Math.Min(LedgerTile.FullWidth, width - t * LedgerTile.FullWidth) * MerkleHash.Size;
                    var path = ExportLedgerSource.TilePath(dir, level, t);
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    await File.WriteAllBytesAsync(path, hashes.Length > keep ? hashes[..keep] : hashes, cancellationToken);
                    tiles++;
                }
            }

            if (context.Json)
            {
                context.WriteJson(new JsonObject { ["directory"] = dir, ["treeSize"] = size, ["checkpoints"] = checkpoints, ["entries"] = entries, ["tiles"] = tiles }.ToJsonString(Readable));
                return ExitCodes.Success;
            }

            context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.Ledger_Exported, size, entries, checkpoints, tiles, dir)));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Prove(CliRuntime runtime)
    {
        var what = new Argument<string>("ENTRY") { Description = Strings.Ledger_ArgumentEntry };
        var key = KeyOption();
        var state = StateOption();
        var command = new Command("prove", Strings.Ledger_CommandProve) { what, key, state };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var server = context.ResolveServer();
            var http = new HttpLedgerSource(context.Connect(server, null));
            var statePath = parseResult.GetValue(state)?.FullName ?? DefaultStatePath(context, server);
            var (verifierKey, previous) = await PinKeyAsync(context, parseResult.GetValue(key), statePath, async () => await http.KeyAsync(cancellationToken));
            if (previous is null)
            {
                WriteState(statePath, new AuditState(verifierKey.ToString()));
            }

            var note = await http.LatestCheckpointAsync(cancellationToken);
            var (checkpoint, problem) = SignedCheckpoint.Open(note, verifierKey);
            if (checkpoint is null)
            {
                return Failed(context, Localized.Format(Strings.Ledger_LatestDoesNotVerify, problem));
            }

            // Which leaf: an index, an entry id (entry:23), or a leaf hash.
            var target = parseResult.GetRequiredValue(what).Trim();
            long index;
            if (target.StartsWith("entry:", StringComparison.Ordinal))
            {
                var queued = await http.QueueAsync(target["entry:".Length..], cancellationToken);
                if (!queued.TryGetProperty("index", out var at) || at.ValueKind != JsonValueKind.Number)
                {
                    if (context.Json)
                    {
                        context.WriteJson(queued);
                    }
                    else
                    {
                        context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.Ledger_Pending, target["entry:".Length..])));
                    }

                    return ExitCodes.Pending;
                }

                index = at.GetInt64();
            }
            else if (long.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out var given))
            {
                index = given;
            }
            else if (IsLeafHash(target))
            {
                index = (await http.InclusionProofAsync(null, target, checkpoint.Size, cancellationToken)).GetProperty("index").GetInt64();
            }
            else
            {
                throw new CliUsageException(Localized.Format(Strings.Ledger_BadEntryArgument, target));
            }

            if (index >= checkpoint.Size)
            {
                throw new CliUsageException(Localized.Format(Strings.Ledger_BeyondCheckpoint, index, checkpoint.Size));
            }

            var item = await http.EntryItemAsync(index, cancellationToken)
                ?? throw new UnexpectedResponseException(Localized.Format(Strings.Ledger_EntryNotServed, index));
            var entry = LedgerJson.Entry(item);
            var proofJson = await http.InclusionProofAsync(index, null, checkpoint.Size, cancellationToken);
            var proof = LedgerJson.Hashes(proofJson.GetProperty("hashes"));

            // The leaf hash is recomputed from the body here; the server's own leafHash is only compared.
            var problems = new List<string>();
            var leaf = entry.Body is null ? null : MerkleHash.Leaf(Encoding.UTF8.GetBytes(entry.Body));
            if (leaf is null)
            {
                problems.Add(Localized.Format(Strings.Ledger_EntryNotServed, index));
            }
            else
            {
                if (!CanonicalJson.IsCanonical(entry.Body!))
                {
                    problems.Add(Finding(new AuditFinding(AuditFindingKind.EntryNotCanonical, Index: index, EntryId: entry.EntryId, Reason: "-")));
                }

                var check = MerkleProofs.VerifyInclusion(index, checkpoint.Size, leaf, proof, checkpoint.RootHash);
                if (!check.IsValid)
                {
                    problems.Add(Localized.Format(Strings.Ledger_ProofDoesNotVerify, check.Problem));
                }
            }

            if (previous?.Size is { } before && previous.RootHash is { } beforeRoot && before > 0 && before <= checkpoint.Size)
            {
                var consistency = before == checkpoint.Size ? [] : await http.ConsistencyProofAsync(before, checkpoint.Size, cancellationToken) ?? [];
                var check = MerkleProofs.VerifyConsistency(before, checkpoint.Size, consistency, Convert.FromBase64String(beforeRoot), checkpoint.RootHash);
                if (!check.IsValid)
                {
                    problems.Add(Finding(new AuditFinding(AuditFindingKind.ConsistencyProof, Index: checkpoint.Size, Other: before, Reason: check.Problem)));
                }
            }

            if (context.Json)
            {
                context.WriteJson(new JsonObject
                {
                    ["verified"] = problems.Count == 0,
                    ["index"] = index,
                    ["entryId"] = entry.EntryId,
                    ["kind"] = entry.Kind,
                    ["body"] = entry.Body,
                    ["leafHash"] = leaf is null ? null : Convert.ToBase64String(leaf),
                    ["hashes"] = new JsonArray([.. proof.Select(h => (JsonNode)Convert.ToBase64String(h))]),
                    ["checkpoint"] = new JsonObject
                    {
                        ["size"] = checkpoint.Size,
                        ["rootHash"] = Convert.ToBase64String(checkpoint.RootHash),
                        ["time"] = LedgerEntry.FormatTime(checkpoint.Time),
                        ["note"] = note,
                    },
                    ["problems"] = new JsonArray([.. problems.Select(p => (JsonNode)p)]),
                }.ToJsonString(Readable));
            }
            else
            {
                var table = new Table().HideHeaders().AddColumn("").AddColumn("");
                table.AddRow(Markup.Escape(Strings.Ledger_LabelLeaf), Cells.Plain(index.ToString(CultureInfo.InvariantCulture)));
                table.AddRow(Markup.Escape(Strings.Ledger_LabelEntry), Cells.Plain(entry.EntryId?.ToString(CultureInfo.InvariantCulture)));
                table.AddRow(Markup.Escape(Strings.Ledger_LabelKind), Cells.Plain(entry.Kind));
                table.AddRow(Markup.Escape(Strings.Ledger_LabelBody), Cells.Plain(entry.Body));
                table.AddRow(Markup.Escape(Strings.Ledger_LabelLeafHash), Cells.Plain(leaf is null ? null : Convert.ToBase64String(leaf)));
                table.AddRow(Markup.Escape(Strings.Ledger_LabelProof), Cells.Plain(string.Join("\n", proof.Select(Convert.ToBase64String))));
                table.AddRow(Markup.Escape(Strings.Ledger_LabelCheckpoint), Markup.Escape(Localized.Format(Strings.Ledger_CheckpointLine,
                    checkpoint.Size, Convert.ToBase64String(checkpoint.RootHash), context.Moment(checkpoint.Time))));
                context.Out.Write(table);
                context.Out.WriteLine(note.TrimEnd('\n'));
            }

            if (problems.Count > 0)
            {
                foreach (var p in problems)
                {
                    context.Error.MarkupLine($"[red]{Markup.Escape(p)}[/]");
                }

                return ExitCodes.VerificationFailed;
            }

            if (!context.Json)
            {
                context.Out.MarkupLine($"[green]{Markup.Escape(Localized.Format(Strings.Ledger_Proved, index, checkpoint.Size))}[/]");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// The key to verify with: <c>--key</c>, else the one the state file pinned, else the one the source publishes —
    /// trusted on first use, with a warning, and remembered. A <c>--key</c> that contradicts the state is refused: a
    /// changed key is exactly what a forger would need.
    /// </summary>
    private static async Task<(LedgerVerifierKey Key, AuditState? Previous)> PinKeyAsync(CliContext context, string? keyText, string? statePath,
        Func<Task<string?>> published)
    {
        AuditState? previous = null;
        if (statePath is not null && File.Exists(statePath))
        {
            try
            {
                previous = AuditState.Parse(await File.ReadAllTextAsync(statePath));
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                throw new CliUsageException(Localized.Format(Strings.FileUnreadable, statePath, e.Message));
            }
        }

        LedgerVerifierKey? pinned = null;
        if (!string.IsNullOrWhiteSpace(keyText))
        {
            pinned = ParseKey(keyText, "--key");
            if (previous is not null && !string.Equals(previous.VerifierKey, pinned.ToString(), StringComparison.Ordinal))
            {
                throw new CliUsageException(Localized.Format(Strings.Ledger_KeyDiffersFromState, statePath, previous.VerifierKey));
            }
        }

        if (pinned is not null)
        {
            return (pinned, previous ?? new AuditState(pinned.ToString()));
        }

        if (previous is not null)
        {
            return (ParseKey(previous.VerifierKey, statePath!), previous);
        }

        var fetched = await published() ?? throw new CliUsageException(Strings.Ledger_KeyRequired);
        var key = ParseKey(fetched, Strings.Ledger_PublishedKey);
        context.Warn(Localized.Format(Strings.Ledger_TrustOnFirstUse, key.ToString(), statePath ?? "—"));
        return (key, null);
    }

    private static LedgerVerifierKey ParseKey(string text, string from)
    {
        try
        {
            return LedgerVerifierKey.Parse(text);
        }
        catch (FormatException e)
        {
            throw new CliUsageException(Localized.Format(Strings.Ledger_BadKey, from, e.Message));
        }
    }

    private static async Task<AuditReport> AuditAsync(CliContext context, ILedgerSource source, LedgerVerifierKey key, AuditState? previous,
        CancellationToken cancellationToken)
    {
        AuditReport? report = null;
        await WithProgressAsync(context, 0, async progress =>
        {
            report = await LedgerAuditor.VerifyAsync(source, key, previous, new Reporter(p => progress(p.EntriesRead, p.TreeSize)), cancellationToken);
        });
        return report!;
    }

    /// <summary>A progress bar over entries on stderr for people at a terminal; nothing for scripts and tests.</summary>
    private static async Task WithProgressAsync(CliContext context, long total, Func<Action<long, long>, Task> work)
    {
        if (!context.Environment.IsRealConsole || context.Json)
        {
            await work((_, _) => { });
            return;
        }

        await context.Error.Progress().AutoClear(true).StartAsync(async progress =>
        {
            var task = progress.AddTask(Markup.Escape(Strings.Ledger_Progress), maxValue: Math.Max(1, total));
            await work((done, of) =>
            {
                task.MaxValue = Math.Max(1, of);
                task.Value = done;
            });
            task.Value = task.MaxValue;
        });
    }

    private static Task WithProgressAsync(CliContext context, long total, Func<Action<long>, Task> work) =>
        WithProgressAsync(context, total, (Action<long, long> report) => work(done => report(done, total)));

    private static int Print(CliContext context, string place, AuditReport report, string? statePath)
    {
        if (context.Json)
        {
            context.WriteJson(new JsonObject
            {
                ["passed"] = report.Passed,
                ["treeSize"] = report.TreeSize,
                ["rootHash"] = report.RootHash is null ? null : Convert.ToBase64String(report.RootHash),
                ["time"] = report.Time is { } time ? LedgerEntry.FormatTime(time) : null,
                ["checkpoints"] = report.Checkpoints,
                ["entries"] = report.Entries,
                ["tiles"] = report.Tiles,
                ["state"] = statePath,
                ["findings"] = new JsonArray([.. report.Findings.Select(f => (JsonNode)new JsonObject
                {
                    ["kind"] = KindName(f.Kind),
                    ["index"] = f.Index,
                    ["entryId"] = f.EntryId,
                    ["level"] = f.Level,
                    ["position"] = f.Position,
                    ["other"] = f.Other,
                    ["expected"] = f.Expected,
                    ["found"] = f.Found,
                    ["reason"] = f.Reason,
                    ["text"] = f.Describe(),
                })]),
            }.ToJsonString(Readable));
            return report.Passed ? ExitCodes.Success : ExitCodes.VerificationFailed;
        }

        if (report.Passed)
        {
            context.Out.MarkupLine($"[green]{Markup.Escape(Localized.Format(Strings.Ledger_Verified, place, report.TreeSize,
                Convert.ToBase64String(report.RootHash ?? MerkleHash.Empty()), report.Time is { } t ? context.Moment(t) : "—",
                report.Checkpoints, report.Entries, report.Tiles))}[/]");
            return ExitCodes.Success;
        }

        var table = new Table().AddColumn(Strings.Ledger_ColumnKind).AddColumn(Strings.Ledger_ColumnFinding);
        foreach (var finding in report.Findings)
        {
            table.AddRow(Cells.Plain(KindName(finding.Kind)), Markup.Escape(Finding(finding)));
        }

        context.Out.Write(table);
        context.Error.MarkupLine($"[red]{Markup.Escape(Localized.Format(Strings.Ledger_NotVerified, place, report.Findings.Count, report.TreeSize))}[/]");
        return ExitCodes.VerificationFailed;
    }

    /// <summary>A finding in the user's language, from its data (the English text is <see cref="AuditFinding.Describe"/>).</summary>
    internal static string Finding(AuditFinding f)
    {
        string N(long? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "?";
        return f.Kind switch
        {
            AuditFindingKind.CheckpointSignature => Localized.Format(Strings.Ledger_FindingCheckpointSignature, N(f.Index), f.Reason),
            AuditFindingKind.CheckpointRow => Localized.Format(Strings.Ledger_FindingCheckpointRow, N(f.Index), f.Found, f.Expected),
            AuditFindingKind.CheckpointFork => Localized.Format(Strings.Ledger_FindingCheckpointFork, N(f.Index), f.Expected, f.Found),
            AuditFindingKind.CheckpointRoot => Localized.Format(Strings.Ledger_FindingCheckpointRoot, N(f.Index), f.Found, f.Expected)
                + (f.Other > 0 ? Localized.Format(Strings.Ledger_FindingLaterCheckpoints, N(f.Other)) : ""),
            AuditFindingKind.CheckpointInconsistent => Localized.Format(Strings.Ledger_FindingCheckpointInconsistent, N(f.Index), N(f.Other), f.Expected, f.Found),
            AuditFindingKind.PreviousCheckpointInconsistent => Localized.Format(Strings.Ledger_FindingPreviousInconsistent, N(f.Index), N(f.Other), f.Expected, f.Found),
            AuditFindingKind.LogShrank => Localized.Format(Strings.Ledger_FindingLogShrank, N(f.Index), N(f.Other)),
            AuditFindingKind.ConsistencyProof => Localized.Format(Strings.Ledger_FindingConsistencyProof, N(f.Other), N(f.Index), f.Reason),
            AuditFindingKind.CheckpointTime => Localized.Format(Strings.Ledger_FindingCheckpointTime, N(f.Index), f.Found, N(f.Other), f.Expected),
            AuditFindingKind.LatestCheckpointStale => Localized.Format(Strings.Ledger_FindingLatestStale, f.Found, N(f.Index)),
            AuditFindingKind.EntryMissing => f.EntryId is null
                ? Localized.Format(Strings.Ledger_FindingEntryMissing, N(f.Index))
                : Localized.Format(Strings.Ledger_FindingEntryGone, N(f.Index), N(f.EntryId)),
            AuditFindingKind.EntryNotCanonical => Localized.Format(Strings.Ledger_FindingNotCanonical, N(f.Index), N(f.EntryId), f.Reason),
            AuditFindingKind.LeafMismatch => Localized.Format(Strings.Ledger_FindingLeafMismatch, N(f.Index), N(f.EntryId), f.Found, f.Expected)
                + (f.Other is { } other ? Localized.Format(Strings.Ledger_FindingReordered, N(other)) : ""),
            AuditFindingKind.EntryLeafHash => Localized.Format(Strings.Ledger_FindingEntryLeafHash, N(f.Index), N(f.EntryId), f.Expected, f.Found),
            AuditFindingKind.EntryColumns => Localized.Format(Strings.Ledger_FindingEntryColumns, N(f.Index), N(f.EntryId), f.Expected, f.Found),
            AuditFindingKind.TileMissing => Localized.Format(Strings.Ledger_FindingTileMissing, f.Level, N(f.Index), f.Reason),
            AuditFindingKind.TileHash => Localized.Format(Strings.Ledger_FindingTileHash, f.Level, N(f.Index), f.Position, f.Found, f.Expected),
            AuditFindingKind.Unverifiable => Localized.Format(Strings.Ledger_FindingUnverifiable, N(f.Index), f.Reason),
            _ => f.Describe(),
        };
    }

    /// <summary>The finding kind as scripts see it: kebab-case, stable.</summary>
    internal static string KindName(AuditFindingKind kind)
    {
        var name = kind.ToString();
        var text = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }

    private static int Failed(CliContext context, string message)
    {
        context.Error.MarkupLine($"[red]{Markup.Escape(message)}[/]");
        return ExitCodes.VerificationFailed;
    }

    private static long SignedCheckpointSize(string note)
    {
        var lines = note.Split('\n');
        return lines.Length > 1 && long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            ? size
            : throw new UnexpectedResponseException(Strings.Ledger_CheckpointUnreadable);
    }

    private static bool IsLeafHash(string text)
    {
        Span<byte> bytes = stackalloc byte[MerkleHash.Size + 3];
        return Convert.TryFromBase64String(text, bytes, out var written) && written == MerkleHash.Size;
    }

    /// <summary>Without <c>--state</c>, one state file per server under the user's config directory, so the key pinned on first use stays pinned.</summary>
    private static string DefaultStatePath(CliContext context, Uri server)
    {
        var name = new StringBuilder();
        foreach (var c in server.Authority + server.AbsolutePath.TrimEnd('/'))
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_');
        }

        return Path.Combine(context.Environment.HomeDirectory, ".config", "crisisops", "ledger", name + ".json");
    }

    private static void WriteState(string path, AuditState state)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, state.ToJson());
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException(Localized.Format(Strings.FileUnreadable, path, e.Message));
        }
    }

    private sealed class Reporter(Action<AuditProgress> report) : IProgress<AuditProgress>
    {
        public void Report(AuditProgress value) => report(value);
    }
}
