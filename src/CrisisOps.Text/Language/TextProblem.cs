namespace CrisisOps.Text.Language;

/// <summary>
/// Why a text cannot be analysed: a stable code (for per-item error lists and tests) and a message in zh-CN and en, so a
/// batch can report each bad post and carry on with the rest.
/// </summary>
public sealed record TextProblem(string Code, string MessageZh, string MessageEn)
{
    public const string EmptyCode = "text-empty";
    public const string TooLongCode = "text-too-long";
    public const string InvalidEncodingCode = "text-invalid-encoding";
    public const string ControlCharacterCode = "text-control-character";
    public const string NoLettersCode = "language-no-letters";
    public const string UnsupportedScriptCode = "language-unsupported";
    public const string StatedLanguageCode = "language-stated-unsupported";

    /// <summary>The message in the language the caller asks for: Chinese for <c>zh*</c>, English otherwise.</summary>
    public string Message(string cultureName) =>
        cultureName.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? MessageZh : MessageEn;

    internal static TextProblem Empty() => new(EmptyCode, "文本为空。", "The text is empty.");

    internal static TextProblem TooLong(int length) => new(TooLongCode,
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"文本过长：{length} 个字符，上限 {TextCheck.MaxLength}。"),
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The text is too long: {length} characters, at most {TextCheck.MaxLength}."));

    internal static TextProblem InvalidEncoding(int index, string what) => new(InvalidEncodingCode,
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"文本编码无效：第 {index} 个字符处{what}。"),
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The text is not valid Unicode: {Describe(what)} at character {index}."));

    internal static TextProblem ControlCharacter(int index, int codePoint) => new(ControlCharacterCode,
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"文本含控制字符 U+{codePoint:X4}（第 {index} 个字符）。"),
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The text contains the control character U+{codePoint:X4} at character {index}."));

    internal static TextProblem NoLetters() => new(NoLettersCode,
        "无法识别语言：文本只有数字、标点或符号。",
        "Unknown language: the text has only digits, punctuation or symbols.");

    internal static TextProblem UnsupportedScript() => new(UnsupportedScriptCode,
        "无法识别语言：文本主要不是中文或英文（只支持中文和英文）。",
        "Unknown language: the text is mostly neither Chinese nor English (only those two are analysed).");

    internal static TextProblem UnsupportedLanguage(string tag) => new(StatedLanguageCode,
        $"来源标注的语言“{tag}”不受支持（只分析中文和英文）。",
        $"The source states the language '{tag}', which is not analysed (only Chinese and English are).");

    private static string Describe(string what) => what switch
    {
        LoneSurrogate => "a lone surrogate",
        ReplacementCharacter => "a replacement character U+FFFD (a decoding failure upstream)",
        _ => "a noncharacter",
    };

    internal const string LoneSurrogate = "有孤立的代理字符";
    internal const string ReplacementCharacter = "有替换字符 U+FFFD（上游解码失败）";
    internal const string Noncharacter = "有非字符码位";
}
