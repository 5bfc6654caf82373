using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli.Tests;

public sealed class ApiProblemTests
{
    private const string ValidationProblem = """
        {
          "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
          "title": "One or more validation errors occurred.",
          "status": 400,
          "detail": "Check the fields below.",
          "errors": { "title": ["The title is required.", "Too short."], "severity": ["Unknown severity 'V'."] },
          "traceId": "00-abc"
        }
        """;

    private const string ImportProblem = """
        {
          "type": "https://crisisops.example.org/problems/invalid-geojson",
          "title": "The GeoJSON file has invalid features.",
          "status": 422,
          "features": [
            { "index": 0, "code": "110105", "errors": ["Geometry is not a polygon."] },
            { "index": 3, "code": null, "errors": ["Missing property 'code'.", "Missing property 'level'."] }
          ]
        }
        """;

    [Fact]
    public void Parse_WhenBodyIsValidationProblem_ReadsStandardMembersAndErrors()
    {
        var problem = ApiProblem.Parse(400, "Bad Request", ValidationProblem);

        Assert.Equal(400, problem.Status);
        Assert.Equal("One or more validation errors occurred.", problem.Title);
        Assert.Equal("Check the fields below.", problem.Detail);
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.1", problem.Type);
        Assert.Equal(["The title is required.", "Too short."], problem.Errors["title"]);
        Assert.Equal(["Unknown severity 'V'."], problem.Errors["severity"]);
        Assert.True(problem.IsJson);
        Assert.Equal(ValidationProblem, problem.RawBody);
    }

    [Fact]
    public void Parse_WhenBodyHasFeaturesExtension_ReadsEachFeature()
    {
        var problem = ApiProblem.Parse(422, "Unprocessable Entity", ImportProblem);

        Assert.Equal(2, problem.Features.Count);
        Assert.Equal(0, problem.Features[0].Index);
        Assert.Equal("110105", problem.Features[0].Code);
        Assert.Null(problem.Features[1].Code);
        Assert.Equal(["Missing property 'code'.", "Missing property 'level'."], problem.Features[1].Errors);
    }

    [Fact]
    public void Parse_WhenBodyIsNotJson_UsesReasonPhraseAndBodyText()
    {
        var problem = ApiProblem.Parse(502, "Bad Gateway", "upstream connect error");

        Assert.Equal(502, problem.Status);
        Assert.Equal("Bad Gateway", problem.Title);
        Assert.Equal("upstream connect error", problem.Detail);
        Assert.False(problem.IsJson);
    }

    [Fact]
    public void Parse_WhenBodyIsEmptyAndNoReasonPhrase_TitlesWithStatus()
    {
        var problem = ApiProblem.Parse(503, null, "");

        Assert.Equal("HTTP 503", problem.Title);
        Assert.Null(problem.Detail);
    }

    [Fact]
    public void Write_WhenValidationProblem_PrintsStatusTitleDetailTypeAndEveryFieldError()
    {
        using var _ = new CultureScope("en");

        var text = Render(ApiProblem.Parse(400, "Bad Request", ValidationProblem));

        Assert.Contains("error 400: One or more validation errors occurred.", text, StringComparison.Ordinal);
        Assert.Contains("Check the fields below.", text, StringComparison.Ordinal);
        Assert.Contains("type: https://tools.ietf.org/html/rfc9110#section-15.5.1", text, StringComparison.Ordinal);
        Assert.Contains("title: The title is required.", text, StringComparison.Ordinal);
        Assert.Contains("title: Too short.", text, StringComparison.Ordinal);
        Assert.Contains("severity: Unknown severity 'V'.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_WhenProblemHasFeatures_PrintsATableRowPerFeature()
    {
        using var _ = new CultureScope("en");

        var text = Render(ApiProblem.Parse(422, null, ImportProblem));

        var lines = text.Split('\n');
        Assert.Contains(lines, l => l.Contains("Feature", StringComparison.Ordinal) && l.Contains("Errors", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("110105", StringComparison.Ordinal) && l.Contains("Geometry is not a polygon.", StringComparison.Ordinal));
        Assert.Contains("Missing property 'level'.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_WhenServerTextLooksLikeMarkup_PrintsItLiterally()
    {
        var problem = new ApiProblem(409, "Conflict with [bold]region[/]") { Detail = "[red]x[/] and [[y]]" };

        var text = Render(problem);

        Assert.Contains("Conflict with [bold]region[/]", text, StringComparison.Ordinal);
        Assert.Contains("[red]x[/] and [[y]]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_WhenTypeIsAboutBlank_LeavesItOut()
    {
        var text = Render(new ApiProblem(404, "Not Found") { Type = "about:blank" });

        Assert.DoesNotContain("about:blank", text, StringComparison.Ordinal);
    }

    private static string Render(ApiProblem problem)
    {
        var writer = new StringWriter();
        ProblemRenderer.Write(Consoles.Create(writer, isRealConsole: false), problem);
        return writer.ToString();
    }
}
