using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Schema;

namespace CrisisOps.Domain.Warning;

/// <summary>
/// Reads one OASIS CAP 1.2 alert: checks that it is safe to parse, that it is CAP 1.2 (not 1.0,
/// 1.1, an EDXL-DE envelope or another namespace), validates it against the OASIS schema
/// (embedded, compiled once), maps it to <see cref="CapAlert"/> and checks what the schema cannot:
/// polygons are closed rings of at least four points, coordinates lie on the globe, circles have
/// a radius ≥ 0, references are <c>sender,identifier,sent</c> triples. Never throws for bad
/// input: every outcome is a <see cref="CapVerdict"/>.
/// </summary>
/// <remarks>
/// A document with a DTD is refused before anything in it is processed (no entity is expanded,
/// no URL or file is opened: there is no resolver). The encoding named in the XML declaration
/// (or the byte-order mark) is honoured: UTF-8, UTF-16, ASCII and ISO-8859-1 always; code pages
/// such as GB2312 or windows-1252 only when the host has registered
/// <c>CodePagesEncodingProvider</c>, otherwise the document is <see cref="CapVerdictKind.Malformed"/>
/// with a reason naming the encoding. A <c>ds:Signature</c> is allowed (the schema takes it
/// laxly) but not verified here. Safe to call from many threads at once.
/// </remarks>
public static class CapReader
{
    public const string Cap12Namespace = "urn:oasis:names:tc:emergency:cap:1.2";

    /// <summary>Largest document read (5 MiB): CAP alerts are kilobytes, even with an embedded audio clip.</summary>
    public const int MaxDocumentBytes = 5 * 1024 * 1024;

    /// <summary>Schema errors listed in a verdict; the rest are counted.</summary>
    public const int MaxReasons = 20;

    private const string SchemaResource = "CrisisOps.Domain.Warning.CAP-v1.2.xsd";
    private const string EdxlDistributionPrefix = "urn:oasis:names:tc:emergency:EDXL:DE:";

    private static readonly Dictionary<string, string> OlderCapNamespaces = new(StringComparer.Ordinal)
    {
        ["urn:oasis:names:tc:emergency:cap:1.1"] = "CAP 1.1",
        ["urn:oasis:names:tc:emergency:cap:1.0"] = "CAP 1.0",
        ["http://www.incident.com/cap/1.0"] = "CAP 1.0",
    };

    // With DtdProcessing.Prohibit the parser throws at "<!DOCTYPE"; these find it again so the verdict can say Unsafe.
    private static readonly byte[][] DoctypeMarkers =
    [
        Encoding.UTF8.GetBytes("<!DOCTYPE"),
        Encoding.Unicode.GetBytes("<!DOCTYPE"),
        Encoding.BigEndianUnicode.GetBytes("<!DOCTYPE"),
    ];

    // Compiled once; validating readers only read a compiled set, so it is shared across threads.
    private static readonly Lazy<XmlSchemaSet> Schemas = new(LoadSchemas);

    /// <summary>The compiled OASIS CAP 1.2 schema set (compiled on first use).</summary>
    internal static XmlSchemaSet SchemaSet => Schemas.Value;

    /// <summary>Reads a CAP document held in memory.</summary>
    public static CapVerdict Read(byte[] xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        return xml.Length > MaxDocumentBytes
            ? TooLarge(string.Create(CultureInfo.InvariantCulture, $"{xml.Length:N0} bytes"))
            : ReadDocument(xml, xml.Length);
    }

    /// <summary>
    /// Reads a CAP document from <paramref name="xml"/>, up to <see cref="MaxDocumentBytes"/>
    /// (buffered: alerts are small). The stream is read from its current position and not closed.
    /// </summary>
    /// <exception cref="IOException">The stream fails.</exception>
    public static CapVerdict Read(Stream xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        if (xml.CanSeek && xml.Length - xml.Position > MaxDocumentBytes)
        {
            return TooLarge(string.Create(CultureInfo.InvariantCulture, $"{xml.Length - xml.Position:N0} bytes"));
        }

        using var buffer = new MemoryStream(xml.CanSeek ? (int)(xml.Length - xml.Position) : 16 * 1024);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = xml.Read(chunk)) > 0)
        {
            if (buffer.Length + read > MaxDocumentBytes)
            {
                return TooLarge(string.Create(CultureInfo.InvariantCulture, $"more than {MaxDocumentBytes:N0} bytes"));
            }

            buffer.Write(chunk, 0, read);
        }

        return ReadDocument(buffer.GetBuffer(), (int)buffer.Length);
    }

    private static CapVerdict TooLarge(string size) =>
        CapVerdict.Rejected(CapVerdictKind.TooLarge,
            string.Create(CultureInfo.InvariantCulture, $"The document is {size}; a CAP alert may be at most {MaxDocumentBytes:N0} bytes."));

    private static CapVerdict ReadDocument(byte[] bytes, int length)
    {
        var schemaErrors = new List<string>();
        var schemaErrorCount = 0;
        var parserSettings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxDocumentBytes,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            CloseInput = true,
        };
        // The parser below enforces the DTD ban and the size limit; repeated here so this layer never relaxes them.
        var validatorSettings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxDocumentBytes,
            ValidationType = ValidationType.Schema,
            // No inline schemas and no schemaLocation hints: the document never chooses its own schema.
            ValidationFlags = XmlSchemaValidationFlags.AllowXmlAttributes,
            Schemas = Schemas.Value,
        };
        validatorSettings.ValidationEventHandler += (_, e) =>
        {
            if (e.Severity != XmlSeverityType.Error)
            {
                return;
            }

            if (++schemaErrorCount <= MaxReasons)
            {
                schemaErrors.Add(string.Create(CultureInfo.InvariantCulture,
                    $"line {e.Exception.LineNumber}, position {e.Exception.LinePosition}: {e.Message}"));
            }
        };

        var rootReached = false;
        try
        {
            using var parser = XmlReader.Create(new MemoryStream(bytes, 0, length, writable: false), parserSettings);
            using var certainty = new DeprecatedCertaintyReader(parser);
            using var reader = XmlReader.Create(certainty, validatorSettings);
            reader.MoveToContent();
            rootReached = true;
            if (RejectRoot(reader) is { } wrongRoot)
            {
                return wrongRoot;
            }

            var problems = new List<string>();
            var alert = new CapAlertReader(reader, problems).ReadAlert();
            if (schemaErrorCount > 0)
            {
                if (schemaErrorCount > MaxReasons)
                {
                    schemaErrors.Add(string.Create(CultureInfo.InvariantCulture,
                        $"… and {schemaErrorCount - MaxReasons} more schema errors."));
                }

                return CapVerdict.Rejected(CapVerdictKind.SchemaInvalid, schemaErrors);
            }

            var warnings = certainty.RewrittenLines
                .Select(line => string.Create(CultureInfo.InvariantCulture,
                    $"line {line}: certainty '{DeprecatedCertaintyReader.Deprecated}' (deprecated since CAP 1.1) read as '{DeprecatedCertaintyReader.Replacement}'."))
                .ToList();
            return problems.Count > 0
                ? CapVerdict.Rejected(CapVerdictKind.SemanticallyInvalid, problems)
                : CapVerdict.Valid(alert, warnings);
        }
        catch (XmlException ex) when (!rootReached && HasDoctype(bytes.AsSpan(0, length)))
        {
            return CapVerdict.Rejected(CapVerdictKind.Unsafe,
                "The document declares a DTD (<!DOCTYPE …>). CAP needs none, and a DTD is how XXE and entity-expansion "
                + $"attacks get in, so it is refused unread: nothing it names was fetched or expanded. ({ex.Message})");
        }
        catch (XmlException ex)
        {
            return CapVerdict.Rejected(CapVerdictKind.Malformed, $"Not well-formed XML: {ex.Message}");
        }
    }

    private static bool HasDoctype(ReadOnlySpan<byte> bytes)
    {
        foreach (var marker in DoctypeMarkers)
        {
            if (bytes.IndexOf(marker) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static CapVerdict? RejectRoot(XmlReader reader)
    {
        var ns = reader.NamespaceURI;
        var name = reader.LocalName;
        var line = reader is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : 0;
        var at = string.Create(CultureInfo.InvariantCulture, $"line {line}: ");
        var shown = ns.Length == 0 ? "no namespace" : $"namespace '{ns}'";
        if (string.Equals(ns, Cap12Namespace, StringComparison.Ordinal))
        {
            return string.Equals(name, "alert", StringComparison.Ordinal)
                ? null
                : CapVerdict.Rejected(CapVerdictKind.NotCap,
                    $"{at}the root element is '{name}' in the CAP 1.2 namespace; a CAP document's root is 'alert'.");
        }

        if (OlderCapNamespaces.TryGetValue(ns, out var version))
        {
            return CapVerdict.Rejected(CapVerdictKind.OtherVersion,
                $"{at}this is {version} ({shown}); only CAP 1.2 ('{Cap12Namespace}') is read.");
        }

        if (ns.StartsWith(EdxlDistributionPrefix, StringComparison.Ordinal))
        {
            return CapVerdict.Rejected(CapVerdictKind.OtherVersion,
                $"{at}this is an EDXL-DE distribution envelope '{name}' ({shown}), not a bare CAP 1.2 alert; take the alert out of its content object and send that.");
        }

        return string.Equals(name, "alert", StringComparison.Ordinal)
            ? CapVerdict.Rejected(CapVerdictKind.WrongNamespace,
                $"{at}the root 'alert' is in {shown}, which is no CAP version; CAP 1.2 is '{Cap12Namespace}'.")
            : CapVerdict.Rejected(CapVerdictKind.NotCap,
                $"{at}the root element is '{name}' in {shown}, not a CAP 1.2 'alert'.");
    }

    private static XmlSchemaSet LoadSchemas()
    {
        using var stream = typeof(CapReader).Assembly.GetManifestResourceStream(SchemaResource)
            ?? throw new InvalidOperationException($"The embedded CAP schema '{SchemaResource}' is missing from the assembly.");
        using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        var set = new XmlSchemaSet { XmlResolver = null };
        set.Add(Cap12Namespace, reader);
        set.Compile();
        return set;
    }
}
