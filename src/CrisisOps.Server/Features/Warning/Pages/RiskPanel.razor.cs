using System.Globalization;
using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Components.Shared;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Warning.Pages;

public sealed partial class RiskPanel
{
    private List<RegionRisk> _risks = [];
    private List<PlanActivationDto> _plans = [];
    private Dictionary<Guid, string> _planPaths = [];
    private CallerAccess? _access;
    private bool _mayDecide;
    private string? _open;
    private WarningTier _tier = WarningTier.Warning;
    private string? _reason;
    private string? _error;

    [Parameter, EditorRequired] public string RegionCode { get; set; } = "";

    [Parameter, EditorRequired] public string RegionPath { get; set; } = "";

    /// <summary>Bumped by the page on every live update, so the panel reloads.</summary>
    [Parameter] public int Revision { get; set; }

    /// <summary>A hazard to open at once (a tier change the user clicked).</summary>
    [Parameter] public string? OpenHazard { get; set; }

    [Inject] private IDbContextFactory<CrisisOpsDbContext> Db { get; set; } = null!;

    [Inject] private CallerAccessor Caller { get; set; } = null!;

    [Inject] private IServiceScopeFactory Scopes { get; set; } = null!;

    private static bool Chinese => RiskWords.Chinese;

    protected override async Task OnParametersSetAsync()
    {
        if (OpenHazard is not null)
        {
            _open = OpenHazard;
        }

        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _access = await Caller.RefreshAsync();
        if (!_access.Can(Permission.ReadRegions, RegionPath))
        {
            _risks = [];
            _plans = [];
            return;
        }

        _mayDecide = _access.Can(Permission.DecideTier, RegionPath);
        await using var db = await Db.CreateDbContextAsync();
        _risks = await db.RegionRisks.AsNoTracking().Where(r => r.RegionCode == RegionCode)
            .OrderByDescending(r => r.Tier).ThenBy(r => r.Hazard).ToListAsync();
        if (_access.Can(Permission.ReadDeadlines, RegionPath))
        {
            await using var scope = Scopes.CreateAsyncScope();
            _plans = await scope.ServiceProvider.GetRequiredService<PlanSteps>().ActiveUnderAsync(_access, RegionPath, 20, CancellationToken.None);
            var ids = _plans.Select(p => p.Id).ToList();
            _planPaths = (await db.PlanActivations.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => new { a.Id, a.RegionPath })
                .ToListAsync()).ToDictionary(a => a.Id, a => a.RegionPath);
        }
        else
        {
            _plans = [];
        }
    }

    private string PathOf(PlanActivationDto plan) => _planPaths.GetValueOrDefault(plan.Id) ?? RegionPath;

    private void Toggle(string hazard)
    {
        _open = _open == hazard ? null : hazard;
        _error = null;
    }

    private string TierName(WarningTier tier) => T.Tier(tier);

    private string HazardName(string hazard) => T.Hazard(hazard);

    /// <summary>One line per rule that spoke (or per child region, for a tier carried up the tree).</summary>
    private IEnumerable<string> Explain(RegionRisk risk)
    {
        using var document = JsonDocument.Parse(risk.Explanation);
        var lines = new List<string>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            if (item.TryGetProperty("explanation", out var text))
            {
                var rule = item.TryGetProperty("rule", out var r) ? r.GetString() : "";
                var score = item.TryGetProperty("score", out var s) ? s.GetDouble() : 0;
                lines.Add(string.Create(CultureInfo.CurrentCulture, $"{rule}: {text.GetString()} → {score:0.00}"));
            }
            else if (item.TryGetProperty("region", out var region))
            {
                var tier = item.TryGetProperty("tier", out var t) && ApiWords.TryParse(t.GetString(), out WarningTier parsed) ? TierName(parsed) : "";
                var score = item.TryGetProperty("score", out var s) ? s.GetDouble() : 0;
                lines.Add(string.Create(CultureInfo.CurrentCulture, $"{region.GetString()}: {tier} ({score:0.00})"));
            }
        }

        return lines;
    }

    private Task DecideAsync(RegionRisk risk) => ActAsync(d => d.DecideAsync(_access!, RegionCode, risk.Hazard, Words.Of(_tier), _reason,
        escalate: false, CancellationToken.None));

    private Task ConfirmAsync(RegionRisk risk) => ActAsync(d => d.ConfirmAsync(_access!, RegionCode, risk.Hazard, CancellationToken.None));

    private Task ClearAsync(RegionRisk risk) => ActAsync(d => d.ClearAsync(_access!, RegionCode, risk.Hazard, _reason, CancellationToken.None));

    private async Task ActAsync(Func<TierDecisions, Task<RegionRisk>> decide)
    {
        _error = null;
        try
        {
            _access = await Caller.RefreshAsync();
            await using var scope = Scopes.CreateAsyncScope();
            await decide(scope.ServiceProvider.GetRequiredService<TierDecisions>());
            _reason = null;
        }
        catch (ProblemException ex)
        {
            _error = ex.Errors is { Count: > 0 } errors ? string.Join(" ", errors.SelectMany(e => e.Value)) : ex.Detail ?? ex.Title;
        }
        catch (DomainException ex)
        {
            _error = ex.Message;
        }

        await LoadAsync();
    }

    private async Task DoneAsync(PlanActivationDto plan, PlanActivationStepDto step)
    {
        _error = null;
        try
        {
            _access = await Caller.RefreshAsync();
            await using var scope = Scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<PlanSteps>().MarkDoneAsync(_access, plan.Id, step.StepId, null, CancellationToken.None);
        }
        catch (ProblemException ex)
        {
            _error = ex.Detail ?? ex.Title;
        }
        catch (DomainException ex)
        {
            _error = ex.Message;
        }

        await LoadAsync();
    }
}
