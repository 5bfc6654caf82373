using System.Globalization;
using Bunit;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Server.Components.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CrisisOps.Browser.Tests.Components;

/// <summary>Component logic that needs no browser (bUnit renders the real components).</summary>
public sealed class ComponentTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 7, 12, 8, 0, 0, TimeSpan.Zero);
    private readonly BunitContext _context = new();
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly CultureInfo _culture = CultureInfo.CurrentUICulture;

    public ComponentTests()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
        _context.Services.AddSingleton<TimeProvider>(_clock);
        _context.Services.AddLocalization();
        _context.Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    public void Dispose()
    {
        CultureInfo.CurrentUICulture = _culture;
        _context.Dispose();
    }

    [Fact]
    public void Countdown_WhenOpenAndAhead_ShowsTimeLeft()
    {
        var cut = _context.Render<Countdown>(p => p.Add(c => c.Due, Now.AddMinutes(59).AddSeconds(30)));
        Assert.Equal("due in 59:30", cut.Find("[data-testid=countdown]").TextContent);
        Assert.DoesNotContain("overdue", cut.Find("span").ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public void Countdown_WhenClockTicks_UpdatesItselfWithoutReading()
    {
        var cut = _context.Render<Countdown>(p => p.Add(c => c.Due, Now.AddMinutes(1)));
        Assert.Equal("due in 01:00", cut.Find("span").TextContent);

        _clock.Advance(TimeSpan.FromSeconds(61));

        cut.WaitForAssertion(() => Assert.Equal("overdue by 00:01", cut.Find("span").TextContent));
    }

    [Fact]
    public void Countdown_WhenPastDue_ShowsOverdueInRed()
    {
        var cut = _context.Render<Countdown>(p => p.Add(c => c.Due, Now.AddMinutes(-65)));
        Assert.Equal("overdue by 1 h 05 min", cut.Find("span").TextContent);
        Assert.Contains("overdue", cut.Find("span").ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public void Countdown_WhenMet_SaysSo()
    {
        var cut = _context.Render<Countdown>(p => p.Add(c => c.Due, Now.AddMinutes(-5)).Add(c => c.Status, DeadlineStatus.Met));
        Assert.Equal("met", cut.Find("span").TextContent);
    }

    [Fact]
    public void Countdown_WhenChinese_UsesChineseWords()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
        var cut = _context.Render<Countdown>(p => p.Add(c => c.Due, Now.AddMinutes(10)));
        Assert.Equal("剩余 10:00", cut.Find("span").TextContent);
    }

    [Fact]
    public void ExerciseWatermark_WhenExercise_IsShownElseAbsent()
    {
        Assert.Single(_context.Render<ExerciseWatermark>(p => p.Add(c => c.Show, true)).FindAll("[data-testid=exercise-watermark]"));
        Assert.Empty(_context.Render<ExerciseWatermark>(p => p.Add(c => c.Show, false)).FindAll("[data-testid=exercise-watermark]"));
    }

    [Theory]
    [InlineData(59 * 60 + 59, "59:59")]
    [InlineData(3600 + 5 * 60, "1 h 05 min")]
    [InlineData(2 * 86400 + 3 * 3600, "2 d 3 h")]
    [InlineData(-90, "01:30")]
    public void Durations_WhenFormatted_AreShortAndLanguageNeutral(int seconds, string expected) =>
        Assert.Equal(expected, Durations.Short(TimeSpan.FromSeconds(seconds)));
}
