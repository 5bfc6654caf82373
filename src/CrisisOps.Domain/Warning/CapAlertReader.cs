using System.Globalization;
using System.Text;
using System.Xml;

namespace CrisisOps.Domain.Warning;

/// <summary>
/// Builds a <see cref="CapAlert"/> in one pass over the validating reader, so parsing, schema
/// validation and mapping read the bytes once and build no intermediate tree. Collects what the
/// schema cannot check into <c>problems</c>, each with its line.
/// </summary>
/// <remarks>
/// It trusts nothing about the order or presence of elements: on a document that fails the
/// schema it still reads to the end (so the validator sees everything) and its result is thrown
/// away by the caller. Elements outside the CAP namespace (a <c>ds:Signature</c>) are skipped,
/// which still lets the validator see them.
/// </remarks>
internal sealed class CapAlertReader
{
    // The schema pins the form (no fractions, no 'Z', always an offset); -00:00 is how CAP writes UTC.
    private const string DateTimeFormat = "yyyy-MM-dd'T'HH:mm:sszzz";
    private const string DefaultLanguage = "en-US";

    private readonly XmlReader _reader;
    private readonly IXmlLineInfo? _lineInfo;
    private readonly string _cap;
    private readonly List<string> _problems;
    private StringBuilder? _text;

    public CapAlertReader(XmlReader reader, List<string> problems)
    {
        _reader = reader;
        _lineInfo = reader as IXmlLineInfo;
        _cap = reader.NameTable.Add(CapReader.Cap12Namespace);
        _problems = problems;
    }

    /// <summary>Reads the <c>alert</c> element the reader is on, and everything after it.</summary>
    public CapAlert ReadAlert()
    {
        string? identifier = null, sender = null, source = null, restriction = null, addresses = null, note = null, incidents = null;
        DateTimeOffset? sent = null;
        CapStatus status = default;
        CapMessageType msgType = default;
        CapScope scope = default;
        var code = new List<string>();
        List<CapReference> references = [];
        var infos = new List<CapInfo>();

        var depth = EnterElement();
        while (NextChild(depth))
        {
            switch (_reader.LocalName)
            {
                case "identifier": identifier = Text().Trim(); break;
                case "sender": sender = Text().Trim(); break;
                case "sent": sent = DateTime("sent"); break;
                case "status": status = Enum<CapStatus>(); break;
                case "msgType": msgType = Enum<CapMessageType>(); break;
                case "source": source = Text(); break;
                case "scope": scope = Enum<CapScope>(); break;
                case "restriction": restriction = Text(); break;
                case "addresses": addresses = Text(); break;
                case "code": code.Add(Text().Trim()); break;
                case "note": note = Text(); break;
                case "references": references = References(); break;
                case "incidents": incidents = Text(); break;
                case "info": infos.Add(Info(infos.Count + 1)); break;
                default: _reader.Skip(); break;
            }
        }

        // The root's end: read on so the parser checks that nothing but comments follows it.
        while (_reader.Read())
        {
        }

        return new CapAlert
        {
            Identifier = identifier ?? "",
            Sender = sender ?? "",
            Sent = sent ?? default,
            Status = status,
            MsgType = msgType,
            Source = source,
            Scope = scope,
            Restriction = restriction,
            Addresses = addresses,
            Code = code,
            Note = note,
            References = references,
            Incidents = incidents,
            Infos = infos,
        };
    }

    private CapInfo Info(int number)
    {
        var where = string.Create(CultureInfo.InvariantCulture, $"info {number}");
        string? language = null, eventText = null, audience = null, senderName = null, headline = null,
            description = null, instruction = null, contact = null;
        DateTimeOffset? effective = null, onset = null, expires = null;
        Uri? web = null;
        CapUrgency urgency = default;
        CapSeverity severity = default;
        CapCertainty certainty = default;
        var categories = new List<CapCategory>(1);
        var responseTypes = new List<CapResponseType>();
        var eventCodes = new List<CapValuePair>();
        var parameters = new List<CapValuePair>();
        var resources = new List<CapResource>();
        var areas = new List<CapArea>();

        var depth = EnterElement();
        while (NextChild(depth))
        {
            switch (_reader.LocalName)
            {
                case "language": language = Text().Trim(); break;
                case "category": categories.Add(Enum<CapCategory>()); break;
                case "event": eventText = Text(); break;
                case "responseType": responseTypes.Add(Enum<CapResponseType>()); break;
                case "urgency": urgency = Enum<CapUrgency>(); break;
                case "severity": severity = Enum<CapSeverity>(); break;
                case "certainty": certainty = Enum<CapCertainty>(); break;
                case "audience": audience = Text(); break;
                case "eventCode": eventCodes.Add(Pair()); break;
                case "effective": effective = DateTime($"{where}: effective"); break;
                case "onset": onset = DateTime($"{where}: onset"); break;
                case "expires": expires = DateTime($"{where}: expires"); break;
                case "senderName": senderName = Text(); break;
                case "headline": headline = Text(); break;
                case "description": description = Text(); break;
                case "instruction": instruction = Text(); break;
                case "web": web = Uri($"{where}: web"); break;
                case "contact": contact = Text(); break;
                case "parameter": parameters.Add(Pair()); break;
                case "resource": resources.Add(Resource(string.Create(CultureInfo.InvariantCulture, $"{where}, resource {resources.Count + 1}"))); break;
                case "area": areas.Add(Area(string.Create(CultureInfo.InvariantCulture, $"{where}, area {areas.Count + 1}"))); break;
                default: _reader.Skip(); break;
            }
        }

        return new CapInfo
        {
            Language = string.IsNullOrEmpty(language) ? DefaultLanguage : language,
            Categories = categories,
            Event = eventText ?? "",
            ResponseTypes = responseTypes,
            Urgency = urgency,
            Severity = severity,
            Certainty = certainty,
            Audience = audience,
            EventCodes = eventCodes,
            Effective = effective,
            Onset = onset,
            Expires = expires,
            SenderName = senderName,
            Headline = headline,
            Description = description,
            Instruction = instruction,
            Web = web,
            Contact = contact,
            Parameters = parameters,
            Resources = resources,
            Areas = areas,
        };
    }

    private CapResource Resource(string where)
    {
        string? description = null, mimeType = null, derefUri = null, digest = null;
        long? size = null;
        Uri? uri = null;
        var depth = EnterElement();
        while (NextChild(depth))
        {
            switch (_reader.LocalName)
            {
                case "resourceDesc": description = Text(); break;
                case "mimeType": mimeType = Text().Trim(); break;
                case "size": size = Size(where); break;
                case "uri": uri = Uri($"{where}: uri"); break;
                case "derefUri": derefUri = Text(); break;
                case "digest": digest = Text().Trim(); break;
                default: _reader.Skip(); break;
            }
        }

        return new CapResource
        {
            Description = description ?? "",
            MimeType = mimeType ?? "",
            Size = size,
            Uri = uri,
            DerefUri = derefUri,
            Digest = digest,
        };
    }

    private CapArea Area(string where)
    {
        var areaDesc = "";
        var named = where;
        var polygons = new List<CapPolygon>();
        var circles = new List<CapCircle>();
        var geocodes = new List<CapValuePair>();
        double? altitude = null, ceiling = null;
        var ceilingLine = 0;
        var polygonNumber = 0;
        var circleNumber = 0;

        var depth = EnterElement();
        while (NextChild(depth))
        {
            var line = Line();
            switch (_reader.LocalName)
            {
                case "areaDesc":
                    areaDesc = Text();
                    named = $"{where} ('{Shorten(areaDesc)}')";
                    break;
                case "polygon":
                    polygonNumber++;
                    if (CapPolygon.TryParse(Text(), out var polygon, out var polygonProblem))
                    {
                        polygons.Add(polygon!);
                    }
                    else
                    {
                        Problem(line, string.Create(CultureInfo.InvariantCulture, $"{named}: polygon {polygonNumber} {polygonProblem}"));
                    }

                    break;
                case "circle":
                    circleNumber++;
                    if (CapCircle.TryParse(Text(), out var circle, out var circleProblem))
                    {
                        circles.Add(circle!);
                    }
                    else
                    {
                        Problem(line, string.Create(CultureInfo.InvariantCulture, $"{named}: circle {circleNumber} {circleProblem}"));
                    }

                    break;
                case "geocode": geocodes.Add(Pair()); break;
                case "altitude": altitude = Feet($"{named}: altitude"); break;
                case "ceiling":
                    ceilingLine = line;
                    ceiling = Feet($"{named}: ceiling");
                    break;
                default: _reader.Skip(); break;
            }
        }

        if (ceilingLine > 0 && altitude is null)
        {
            Problem(ceilingLine, $"{named}: a ceiling needs an altitude (CAP 1.2, area block).");
        }

        return new CapArea
        {
            AreaDesc = areaDesc,
            Polygons = polygons,
            Circles = circles,
            Geocodes = geocodes,
            Altitude = altitude,
            Ceiling = ceiling,
        };
    }

    private CapValuePair Pair()
    {
        string? valueName = null, value = null;
        var depth = EnterElement();
        while (NextChild(depth))
        {
            switch (_reader.LocalName)
            {
                case "valueName": valueName = Text().Trim(); break;
                case "value": value = Text().Trim(); break;
                default: _reader.Skip(); break;
            }
        }

        return new CapValuePair(valueName ?? "", value ?? "");
    }

    private List<CapReference> References()
    {
        var line = Line();
        var references = new List<CapReference>();
        foreach (var triple in Text().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = triple.Split(',');
            if (parts.Length == 3 && parts[0].Length > 0 && parts[1].Length > 0 && TryParseDateTime(parts[2], out var sent))
            {
                references.Add(new CapReference(parts[0], parts[1], sent));
            }
            else
            {
                Problem(line, $"references: '{Shorten(triple)}' is not 'sender,identifier,sent'.");
            }
        }

        return references;
    }

    private T Enum<T>()
        where T : struct, Enum
    {
        var line = Line();
        var text = Text();
        if (System.Enum.TryParse<T>(text, ignoreCase: false, out var value) && System.Enum.IsDefined(value))
        {
            return value;
        }

        // The schema's enumerations are the enums' names, so the schema has reported this already.
        Problem(line, $"'{Shorten(text)}' is not a {typeof(T).Name} value.");
        return default;
    }

    private DateTimeOffset? DateTime(string what)
    {
        var line = Line();
        var text = Text();
        if (TryParseDateTime(text, out var value))
        {
            return value;
        }

        // xs:dateTime allows hour 24 and years beyond 9999; DateTimeOffset does not.
        Problem(line, $"{what} '{Shorten(text)}' is not a date and time that can be used.");
        return null;
    }

    private Uri? Uri(string what)
    {
        var line = Line();
        var text = Text().Trim();
        if (System.Uri.TryCreate(text, UriKind.RelativeOrAbsolute, out var uri))
        {
            return uri;
        }

        Problem(line, $"{what} '{Shorten(text)}' is not a URI.");
        return null;
    }

    private long? Size(string where)
    {
        var line = Line();
        var text = Text().Trim();
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bytes) && bytes >= 0)
        {
            return bytes;
        }

        Problem(line, $"{where}: size '{Shorten(text)}' is not a number of bytes ≥ 0.");
        return null;
    }

    private double? Feet(string what)
    {
        var line = Line();
        var text = Text().Trim();
        if (CapCoordinates.TryParseNumber(text, out var feet))
        {
            return feet;
        }

        Problem(line, $"{what} '{Shorten(text)}' is not a number of feet.");
        return null;
    }

    private static bool TryParseDateTime(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text.AsSpan().Trim(), DateTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);

    /// <summary>Steps into the element the reader is on; returns its depth, or -1 when it is empty (then it is already consumed).</summary>
    private int EnterElement()
    {
        if (_reader.IsEmptyElement)
        {
            _reader.Read();
            return -1;
        }

        var depth = _reader.Depth;
        _reader.Read();
        return depth;
    }

    /// <summary>
    /// Moves to the next child element in the CAP namespace of the element entered at
    /// <paramref name="depth"/>; false (and past its end tag) when there is none left. Stray text
    /// and foreign elements are stepped over (the validator reports them when they are wrong).
    /// </summary>
    private bool NextChild(int depth)
    {
        if (depth < 0)
        {
            return false;
        }

        while (!_reader.EOF)
        {
            switch (_reader.NodeType)
            {
                case XmlNodeType.EndElement when _reader.Depth == depth:
                    _reader.Read();
                    return false;
                case XmlNodeType.Element when string.Equals(_reader.NamespaceURI, _cap, StringComparison.Ordinal):
                    return true;
                case XmlNodeType.Element:
                    _reader.Skip();
                    break;
                default:
                    _reader.Read();
                    break;
            }
        }

        return false;
    }

    /// <summary>The text of the element the reader is on (child elements, which the schema forbids here, are stepped over); the reader ends past its end tag.</summary>
    private string Text()
    {
        if (_reader.IsEmptyElement)
        {
            _reader.Read();
            return "";
        }

        var depth = _reader.Depth;
        string? first = null;
        _text?.Clear();
        var many = false;
        while (_reader.Read() && !(_reader.NodeType == XmlNodeType.EndElement && _reader.Depth == depth))
        {
            if (_reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace
                && _reader.Depth == depth + 1)
            {
                if (first is null)
                {
                    first = _reader.Value;
                }
                else
                {
                    if (!many)
                    {
                        _text = (_text ?? new StringBuilder()).Append(first);
                        many = true;
                    }

                    _text!.Append(_reader.Value);
                }
            }
        }

        _reader.Read();
        return many ? _text!.ToString() : first ?? "";
    }

    private int Line() => _lineInfo?.LineNumber ?? 0;

    private void Problem(int line, string message) =>
        _problems.Add(string.Create(CultureInfo.InvariantCulture, $"line {line}: {message}"));

    private static string Shorten(string text)
    {
        var oneLine = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= 60 ? oneLine : string.Concat(oneLine.AsSpan(0, 57), "…");
    }
}
