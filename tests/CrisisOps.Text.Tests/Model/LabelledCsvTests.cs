using System.Text;
using CrisisOps.Text.Model;

namespace CrisisOps.Text.Tests.Model;

public sealed class LabelledCsvTests
{
    private static LabelledData Read(string text) => LabelledCsv.Read(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Read_WhenQuotedFieldsHoldCommasQuotesAndLineBreaks_ReadsRfc4180()
    {
        var data = Read("label,review\r\n1,\"好,很好 \"\"真的\"\"\"\r\n0,\"第一行\n第二行\"\n1,不错\n");

        Assert.Equal(3, data.Rows.Count);
        Assert.Equal("好,很好 \"真的\"", data.Rows[0].Text);
        Assert.True(data.Rows[0].Positive);
        Assert.Equal("第一行\n第二行", data.Rows[1].Text);
        Assert.False(data.Rows[1].Positive);
        Assert.Equal(5, data.Rows[2].Line); // the quoted line break moved it down one line
        Assert.Equal(0, data.RefusedRows);
    }

    [Fact]
    public void Read_WhenByteOrderMark_ReadsHeaderAndHashesTheRawBytes()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("label,review\n1,好\n")).ToArray();

        var data = LabelledCsv.Read(bytes);

        Assert.Single(data.Rows);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), data.Sha256Hex);
    }

    [Fact]
    public void Read_WhenRowsAreBad_CountsAndReportsThemAndKeepsTheRest()
    {
        var data = Read("label,review\n1,好\n2,标签不对\n0,\n0,a,b\nyes,好\n0,\"没关上\n");

        Assert.Single(data.Rows);
        Assert.Equal(5, data.RefusedRows);
        Assert.Equal([3, 4, 5, 6, 7], data.Errors.Select(e => e.Line));
        Assert.Contains("neither 0", data.Errors[0].Reason, StringComparison.Ordinal);
        Assert.Contains("empty", data.Errors[1].Reason, StringComparison.Ordinal);
        Assert.Contains("found 3", data.Errors[2].Reason, StringComparison.Ordinal);
        Assert.Contains("not closed", data.Errors[4].Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("text,label\n1,好\n")]
    [InlineData("label,review\n")]
    [InlineData("label,review\n5,好\n")]
    public void Read_WhenNothingUsable_Throws(string text)
    {
        Assert.Throws<LabelledCsvException>(() => Read(text));
    }

    [Fact]
    public void Read_WhenNotUtf8_Throws()
    {
        var gbk = new byte[] { 0x6C, 0x61, 0x62, 0x65, 0x6C, 0x2C, 0x72, 0x65, 0x76, 0x69, 0x65, 0x77, 0x0A, 0x31, 0x2C, 0xBA, 0xC3, 0x0A };

        var e = Assert.Throws<LabelledCsvException>(() => LabelledCsv.Read(gbk));
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_WhenOver50Megabytes_RefusesWithoutReading()
    {
        var path = Path.Combine(Path.GetTempPath(), "crisisops-big-" + Guid.NewGuid().ToString("N") + ".csv");
        try
        {
            using (var stream = File.Create(path))
            {
                stream.SetLength(LabelledCsv.MaxBytes + 1); // sparse: nothing is written
            }

            var e = Assert.Throws<LabelledCsvException>(() => LabelledCsv.ReadFile(path));
            Assert.Contains("50 MB", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
