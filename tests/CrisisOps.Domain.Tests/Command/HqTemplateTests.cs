using CrisisOps.Domain.Command;
using CrisisOps.Domain.Incidents;
using CrisisOps.Testing;

namespace CrisisOps.Domain.Tests.Command;

public sealed class HqTemplateTests
{
    private const string Valid = """
        {"templates": [{"code": "rainstorm", "nameZh": "暴雨指挥部", "nameEn": "Rainstorm HQ", "incidentTypes": ["flood", "subway-failure"],
          "positions": {"commanderZh": "总指挥", "commanderEn": "Commander", "deputyZh": "副总指挥", "deputyEn": "Deputy"},
          "departments": ["water", "fire"]}]}
        """;

    [Fact]
    public void Parse_WhenShippedFile_HasRainstormAndEpidemicWithTheirDepartments()
    {
        var templates = HqTemplates.Parse(File.ReadAllText(RepositoryFiles.PathOf("src", "CrisisOps.Server", "Features", "Command", "hq-templates.json")));
        var rainstorm = templates.Single(t => t.Code == "rainstorm");
        var epidemic = templates.Single(t => t.Code == "epidemic");
        Assert.True(rainstorm.AppliesTo(IncidentType.Waterlogging));
        Assert.True(epidemic.AppliesTo(IncidentType.Epidemic));
        Assert.False(epidemic.AppliesTo(IncidentType.Flood));
        Assert.Contains("water", rainstorm.Departments);
        Assert.Contains("cdc", epidemic.Departments);
        Assert.All(templates.SelectMany(t => t.Departments), d => Assert.True(Departments.IsKnown(d)));
    }

    [Fact]
    public void Parse_WhenValid_ReadsEveryField()
    {
        var template = Assert.Single(HqTemplates.Parse(Valid));
        Assert.Equal([IncidentType.Flood, IncidentType.SubwayFailure], template.IncidentTypes);
        Assert.Equal("副总指挥", template.Positions.DeputyZh);
        Assert.Equal(["water", "fire"], template.Departments);
    }

    [Theory]
    [InlineData("\"water\", \"fire\"", "\"water\", \"ministry\"", "templates[0].departments[1]")]
    [InlineData("\"water\", \"fire\"", "\"water\", \"water\"", "templates[0].departments[1]")]
    [InlineData("\"flood\", \"subway-failure\"", "\"flood\", \"tsunami\"", "templates[0].incidentTypes[1]")]
    [InlineData("\"nameEn\": \"Rainstorm HQ\"", "\"nameEn\": \"\"", "templates[0].nameEn")]
    [InlineData("\"positions\": {", "\"position\": {", "templates[0].positions")]
    [InlineData("\"code\": \"rainstorm\"", "\"code\": \"Rain Storm\"", "templates[0].code")]
    public void Parse_WhenAFieldIsWrong_NamesTheField(string good, string bad, string field)
    {
        var ex = Assert.Throws<HqTemplateException>(() => HqTemplates.Parse(Valid.Replace(good, bad, StringComparison.Ordinal)));
        Assert.Equal(field, ex.Field);
        Assert.StartsWith(field + ":", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenNotJsonOrEmptyOrDuplicate_Refuses()
    {
        Assert.Equal("$", Assert.Throws<HqTemplateException>(() => HqTemplates.Parse("{not json")).Field);
        Assert.Equal("templates", Assert.Throws<HqTemplateException>(() => HqTemplates.Parse("{\"templates\": []}")).Field);
        var twice = Valid.Replace("]}]}", "]}, " + Valid[(Valid.IndexOf('[', StringComparison.Ordinal) + 1)..^2] + "]}", StringComparison.Ordinal);
        Assert.Equal("templates[1].code", Assert.Throws<HqTemplateException>(() => HqTemplates.Parse(twice)).Field);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, "image/jpeg")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, "image/png")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50 }, "image/webp")]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61 }, null)]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, null)]
    public void PhotoFormat_Detect_GoesByTheFirstBytes(byte[] head, string? contentType) =>
        Assert.Equal(contentType, PhotoFormat.Detect(head)?.ContentType);
}
