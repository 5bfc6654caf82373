using System.Globalization;
using System.Text;
using System.Text.Json;
using CrisisOps.Testing;

namespace CrisisOps.Cli.Tests;

/// <summary><c>opinion train</c> and <c>opinion evaluate</c>: offline, on files the tests write (and ChnSentiCorp when present).</summary>
public sealed class OpinionCommandTests : IDisposable
{
    private readonly CliHarness cli = new();
    private readonly TempDirectory files = new();

    public void Dispose()
    {
        cli.Dispose();
        files.Dispose();
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(files.Path, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    /// <summary>Short labelled reviews from templates, in CSV; a few quoted with commas to exercise RFC 4180.</summary>
    private string Reviews(string name, int count, int seed, string extraLines = "")
    {
        string[] things = ["房间", "服务", "早餐", "前台", "安置点", "物资发放", "热线", "救援"];
        string[] good = ["很好", "干净", "不错", "非常满意", "很及时", "热情"];
        string[] bad = ["太差", "很脏", "不满意", "太慢", "太失望", "冷漠"];
        var random = new Random(seed);
        var csv = new StringBuilder("label,review\n");
        for (var i = 0; i < count; i++)
        {
            var positive = random.Next(3) > 0;
            var words = positive ? good : bad;
            var text = $"{things[random.Next(things.Length)]}{words[random.Next(words.Length)]},{things[random.Next(things.Length)]}也{words[random.Next(words.Length)]}";
            csv.Append(positive ? '1' : '0').Append(",\"").Append(text).Append("\"\n");
        }

        return Write(name, csv + extraLines);
    }

    [Fact]
    public async Task Train_ThenEvaluate_PrintsAccuracyMacroF1ConfusionAndSpeed()
    {
        var model = Path.Combine(files.Path, "model.cosm");

        var train = await cli.RunAsync(null, "opinion", "train", "--data", Reviews("train.csv", 400, 1), "--out", model, "--seed", "3", "--epochs", "5");
        var evaluate = await cli.RunAsync(null, "opinion", "evaluate", "--model", model, "--data", Reviews("test.csv", 150, 2));

        Assert.True(train.ExitCode == ExitCodes.Success, train.Stderr);
        Assert.Contains("Model written to", train.Stdout, StringComparison.Ordinal);
        Assert.Contains("trained on 320 rows, held back 80", train.Stdout, StringComparison.Ordinal);
        Assert.True(evaluate.ExitCode == ExitCodes.Success, evaluate.Stderr);
        Assert.Matches(@"Accuracy (9\d|100)\.\d %   Macro-F1 \d+\.\d %   [\d,]+ sentences/s", evaluate.Stdout);
        Assert.Contains("150 rows evaluated", evaluate.Stdout, StringComparison.Ordinal);
        Assert.Contains("Precision", evaluate.Stdout, StringComparison.Ordinal);
        Assert.Contains("Truth \\ predicted", evaluate.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_WhenJson_GivesMetricsThatAddUp()
    {
        var model = Path.Combine(files.Path, "model.cosm");
        await cli.RunAsync(null, "opinion", "train", "--data", Reviews("train.csv", 300, 4), "--out", model);

        var result = await cli.RunAsync(null, "opinion", "evaluate", "--model", model, "--data", Reviews("test.csv", 100, 5), "--json");

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        var metrics = json.GetProperty("metrics");
        var confusion = metrics.GetProperty("confusion");
        var total = confusion.GetProperty("truePositives").GetInt32() + confusion.GetProperty("falsePositives").GetInt32()
            + confusion.GetProperty("trueNegatives").GetInt32() + confusion.GetProperty("falseNegatives").GetInt32();
        Assert.Equal(100, total);
        Assert.True(metrics.GetProperty("accuracy").GetDouble() > 0.9);
        Assert.InRange(metrics.GetProperty("macroF1").GetDouble(), 0.5, 1);
        Assert.True(json.GetProperty("sentencesPerSecond").GetDouble() > 0);
        Assert.Equal(300, json.GetProperty("model").GetProperty("trainingRows").GetInt32());
        Assert.Equal(2, json.GetProperty("model").GetProperty("formatVersion").GetInt32());
    }

    [Fact]
    public async Task Train_WithWords_RecordsWordNgramsInTheModel()
    {
        var model = Path.Combine(files.Path, "model.cosm");
        var data = Reviews("train.csv", 200, 10);

        var train = await cli.RunAsync(null, "opinion", "train", "--data", data, "--out", model, "--words");
        var evaluate = await cli.RunAsync(null, "opinion", "evaluate", "--model", model, "--data", data, "--json");

        Assert.True(train.ExitCode == ExitCodes.Success, train.Stderr);
        var features = JsonDocument.Parse(evaluate.Stdout).RootElement.GetProperty("model").GetProperty("features");
        Assert.Equal(2, features.GetProperty("wordMax").GetInt32());
        Assert.Equal(21, features.GetProperty("bucketBits").GetInt32());
    }

    [Fact]
    public async Task Train_WhenSomeRowsAreBad_ListsThemAndTrainsOnTheRest()
    {
        var model = Path.Combine(files.Path, "model.cosm");
        var data = Reviews("train.csv", 200, 6, "7,标签不对\n1,\n");

        var result = await cli.RunAsync(null, "opinion", "train", "--data", data, "--out", model);

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        Assert.Contains("Rows refused: 2", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("line 202: label \"7\"", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("line 203: the review is empty", result.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(model));
    }

    [Theory]
    [InlineData("label,review\n")]
    [InlineData("id,text\n1,好\n")]
    [InlineData("label,review\n3,好\n")]
    public async Task Train_WhenFileHasNoUsableRow_ExitsTwoAndWritesNoModel(string content)
    {
        var model = Path.Combine(files.Path, "model.cosm");

        var result = await cli.RunAsync(null, "opinion", "train", "--data", Write("bad.csv", content), "--out", model);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("Cannot read", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(model));
    }

    [Fact]
    public async Task Train_WhenDataIsMissing_ExitsTwo()
    {
        var result = await cli.RunAsync(null, "opinion", "train", "--data", Path.Combine(files.Path, "nope.csv"), "--out", Path.Combine(files.Path, "m"));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("nope.csv", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_WhenEpochsOutOfRange_ExitsTwo()
    {
        var result = await cli.RunAsync(null, "opinion", "train", "--data", Reviews("t.csv", 20, 1), "--out", Path.Combine(files.Path, "m"), "--epochs", "0");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--epochs 0", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_WhenNetworksOutOfRange_ExitsTwo()
    {
        var result = await cli.RunAsync(null, "opinion", "train", "--data", Reviews("t.csv", 20, 1), "--out", Path.Combine(files.Path, "m"), "--networks", "5");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--networks 5", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "NB-LR")]
    [InlineData(1, "NB-LR + 1 char CNN (weight 0.5)")]
    public async Task Train_WithNetworks_WritesThemAndEvaluateNamesThem(int networks, string kind)
    {
        var model = Path.Combine(files.Path, "model.cosm");

        var train = await cli.RunAsync(null, "opinion", "train", "--data", Reviews("train.csv", 300, 6), "--out", model,
            "--networks", networks.ToString(CultureInfo.InvariantCulture), "--epochs", "5");
        var evaluate = await cli.RunAsync(null, "opinion", "evaluate", "--model", model, "--data", Reviews("test.csv", 100, 7), "--json");

        Assert.True(train.ExitCode == ExitCodes.Success, train.Stderr);
        Assert.True(evaluate.ExitCode == ExitCodes.Success, evaluate.Stderr);
        var json = JsonDocument.Parse(evaluate.Stdout).RootElement.GetProperty("model");
        Assert.Equal(kind, json.GetProperty("kind").GetString());
        Assert.Equal(networks, json.GetProperty("networks").GetProperty("count").GetInt32());
        Assert.Equal("trained", json.GetProperty("name").GetString());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(model)))[..12],
            json.GetProperty("version").GetString());
        Assert.Equal(2, json.GetProperty("formatVersion").GetInt32());
    }

    [Fact]
    public async Task Evaluate_WhenModelIsNotAModel_ExitsTwoAndSaysSo()
    {
        var data = Reviews("test.csv", 20, 1);

        var result = await cli.RunAsync(null, "opinion", "evaluate", "--model", data, "--data", data);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("Not a CrisisOps sentiment model", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_WhenModelIsTruncatedOrAltered_ExitsTwoAndSaysWhich()
    {
        var model = Path.Combine(files.Path, "model.cosm");
        var data = Reviews("train.csv", 100, 8);
        await cli.RunAsync(null, "opinion", "train", "--data", data, "--out", model);
        var bytes = await File.ReadAllBytesAsync(model);
        var truncated = Path.Combine(files.Path, "truncated.cosm");
        await File.WriteAllBytesAsync(truncated, bytes[..(bytes.Length / 2)]);
        bytes[1000] ^= 0xFF;
        var altered = Path.Combine(files.Path, "altered.cosm");
        await File.WriteAllBytesAsync(altered, bytes);

        var cut = await cli.RunAsync(null, "opinion", "evaluate", "--model", truncated, "--data", data);
        var changed = await cli.RunAsync(null, "opinion", "evaluate", "--model", altered, "--data", data);

        Assert.Equal(ExitCodes.Usage, cut.ExitCode);
        Assert.Contains("truncated", cut.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, changed.ExitCode);
        Assert.Contains("SHA-256 does not match", changed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_InChinese_SpeaksChinese()
    {
        var model = Path.Combine(files.Path, "model.cosm");
        var data = Reviews("train.csv", 100, 9);
        await cli.RunAsync(null, "opinion", "train", "--data", data, "--out", model);
        var before = CultureInfo.CurrentUICulture;

        // The harness sets English for each run; this test runs the CLI directly with Chinese.
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-Hans");
        try
        {
            var stdout = new StringWriter(CultureInfo.InvariantCulture);
            var environment = new CliEnvironment { Stdout = stdout, Stderr = new StringWriter(CultureInfo.InvariantCulture), IsRealConsole = false };
            var exit = await CliApp.RunAsync(["opinion", "evaluate", "--model", model, "--data", data], environment, CancellationToken.None);

            Assert.Equal(ExitCodes.Success, exit);
            Assert.Contains("准确率", stdout.ToString(), StringComparison.Ordinal);
            Assert.Contains("宏平均 F1", stdout.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    /// <summary>
    /// ChnSentiCorp (no licence: trained at run time, never committed): train holds back the documented 20 %, evaluate
    /// --held-back measures exactly those rows. Issue 9's goal is 92 %; the default model (NB-LR, no networks) reaches
    /// 90.4 % (docs/opinion-model.md), so this guards that level rather than claiming the goal. About 20 s on one core;
    /// the character networks (--networks 1) are left to the bench, as they add a minute in a Debug build and no accuracy.
    /// </summary>
    [Fact]
    public async Task TrainAndEvaluate_OnChnSentiCorp_HeldBackTwentyPercent()
    {
        var data = SharedData.Require("sentiment-zh", "chnsenticorp", "ChnSentiCorp_htl_all.csv");
        var model = Path.Combine(files.Path, "chnsenticorp.cosm");

        var train = await cli.RunAsync(null, "opinion", "train", "--data", data, "--out", model, "--json");
        var evaluate = await cli.RunAsync(null, "opinion", "evaluate", "--model", model, "--data", data, "--held-back", "--json");

        Assert.True(train.ExitCode == ExitCodes.Success, train.Stderr);
        Assert.True(evaluate.ExitCode == ExitCodes.Success, evaluate.Stderr);
        var json = JsonDocument.Parse(evaluate.Stdout).RootElement;
        var accuracy = json.GetProperty("metrics").GetProperty("accuracy").GetDouble();
        Assert.Equal(1553, json.GetProperty("evaluatedRows").GetInt32());
        Assert.Equal(1, json.GetProperty("data").GetProperty("refusedRows").GetInt32()); // the one empty review
        Assert.Equal(JsonDocument.Parse(train.Stdout).RootElement.GetProperty("heldBack").GetProperty("accuracy").GetDouble(), accuracy, 10);
        Assert.True(accuracy >= 0.895, $"held-back accuracy {accuracy:P2}");
        Assert.True(json.GetProperty("metrics").GetProperty("macroF1").GetDouble() >= 0.87);
    }
}
