using CrisisOps.Text.Tokens;

namespace CrisisOps.Text.Tests.Tokens;

public sealed class StopWordsTests
{
    [Fact]
    public void Lists_AreFunctionWordListsOfModestSize()
    {
        Assert.InRange(StopWords.Chinese.Count, 150, 350);
        Assert.InRange(StopWords.English.Count, 150, 300);
    }

    [Theory]
    [InlineData("物资")]
    [InlineData("救援")]
    [InlineData("被困")]
    [InlineData("内涝")]
    [InlineData("公平")]
    [InlineData("water")]
    [InlineData("shelter")]
    [InlineData("trapped")]
    [InlineData("fair")]
    public void Contains_NeverDropsCrisisContentWords(string word)
    {
        Assert.False(StopWords.Contains(word));
    }

    [Fact]
    public void English_IsInFoldedForms()
    {
        // The tokenizer folds before the list is consulted, so an entry it could never produce would be dead.
        foreach (var word in StopWords.English)
        {
            var folded = EnglishTokenizer.Tokenize(word);
            Assert.True(folded.Count >= 1, word);
            Assert.True(StopWords.English.Contains(folded[0]), word + " -> " + folded[0]);
        }
    }
}
