using System.Xml;

namespace CrisisOps.Domain.Warning;

/// <summary>
/// Sits between the parser and the schema validator and shows the CAP 1.2 schema <c>Likely</c>
/// where a CAP 1.2 <c>certainty</c> says <c>Very Likely</c>: senders still write the value CAP
/// 1.1 deprecated, and its meaning is clear. Every such rewrite is noted with its line so the
/// verdict can say what was forgiven. Everything else passes through untouched.
/// </summary>
internal sealed class DeprecatedCertaintyReader(XmlReader inner) : XmlReader, IXmlLineInfo, IXmlNamespaceResolver
{
    public const string Deprecated = "Very Likely";
    public const string Replacement = "Likely";

    private readonly IXmlLineInfo? _lineInfo = inner as IXmlLineInfo;
    private int _certaintyDepth = -1;
    private bool _rewrite;

    /// <summary>Lines where <c>Very Likely</c> was read as <c>Likely</c>.</summary>
    public List<int> RewrittenLines { get; } = [];

    public override bool Read()
    {
        if (!inner.Read())
        {
            _rewrite = false;
            return false;
        }

        _rewrite = false;
        switch (inner.NodeType)
        {
            case XmlNodeType.Element:
                _certaintyDepth = !inner.IsEmptyElement
                    && string.Equals(inner.LocalName, "certainty", StringComparison.Ordinal)
                    && string.Equals(inner.NamespaceURI, CapReader.Cap12Namespace, StringComparison.Ordinal)
                        ? inner.Depth
                        : -1;
                break;
            case XmlNodeType.Text or XmlNodeType.CDATA when _certaintyDepth >= 0 && inner.Depth == _certaintyDepth + 1:
                _rewrite = string.Equals(inner.Value, Deprecated, StringComparison.Ordinal);
                if (_rewrite)
                {
                    RewrittenLines.Add(_lineInfo?.LineNumber ?? 0);
                }

                break;
            case XmlNodeType.EndElement:
                _certaintyDepth = -1;
                break;
            default:
                break;
        }

        return true;
    }

    public override string Value => _rewrite ? Replacement : inner.Value;

    public override XmlNodeType NodeType => inner.NodeType;

    public override string LocalName => inner.LocalName;

    public override string NamespaceURI => inner.NamespaceURI;

    public override string Prefix => inner.Prefix;

    public override string Name => inner.Name;

    public override int AttributeCount => inner.AttributeCount;

    public override string BaseURI => inner.BaseURI;

    public override int Depth => inner.Depth;

    public override bool EOF => inner.EOF;

    public override bool IsEmptyElement => inner.IsEmptyElement;

    public override bool IsDefault => inner.IsDefault;

    public override bool HasValue => inner.HasValue;

    public override XmlNameTable NameTable => inner.NameTable;

    public override ReadState ReadState => inner.ReadState;

    public override XmlReaderSettings? Settings => inner.Settings;

    public override string XmlLang => inner.XmlLang;

    public override XmlSpace XmlSpace => inner.XmlSpace;

    public int LineNumber => _lineInfo?.LineNumber ?? 0;

    public int LinePosition => _lineInfo?.LinePosition ?? 0;

    public bool HasLineInfo() => _lineInfo?.HasLineInfo() ?? false;

    public override string GetAttribute(int i) => inner.GetAttribute(i);

    public override string? GetAttribute(string name) => inner.GetAttribute(name);

    public override string? GetAttribute(string name, string? namespaceURI) => inner.GetAttribute(name, namespaceURI);

    public override string? LookupNamespace(string prefix) => inner.LookupNamespace(prefix);

    public override void MoveToAttribute(int i) => inner.MoveToAttribute(i);

    public override bool MoveToAttribute(string name) => inner.MoveToAttribute(name);

    public override bool MoveToAttribute(string name, string? ns) => inner.MoveToAttribute(name, ns);

    public override bool MoveToElement() => inner.MoveToElement();

    public override bool MoveToFirstAttribute() => inner.MoveToFirstAttribute();

    public override bool MoveToNextAttribute() => inner.MoveToNextAttribute();

    public override bool ReadAttributeValue() => inner.ReadAttributeValue();

    public override void ResolveEntity() => inner.ResolveEntity();

    public IDictionary<string, string> GetNamespacesInScope(XmlNamespaceScope scope) =>
        inner is IXmlNamespaceResolver resolver ? resolver.GetNamespacesInScope(scope) : new Dictionary<string, string>(StringComparer.Ordinal);

    string? IXmlNamespaceResolver.LookupNamespace(string prefix) => inner.LookupNamespace(prefix);

    public string? LookupPrefix(string namespaceName) =>
        inner is IXmlNamespaceResolver resolver ? resolver.LookupPrefix(namespaceName) : null;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
