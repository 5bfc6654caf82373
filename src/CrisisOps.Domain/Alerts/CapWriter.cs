using System.Globalization;
using System.Text;
using System.Xml;
using CrisisOps.Domain.Warning;

namespace CrisisOps.Domain.Alerts;

/// <summary>
/// Writes a <see cref="CapAlert"/> as an OASIS CAP 1.2 document, elements in the schema's order, so that
/// <see cref="CapReader"/> (and any CAP consumer) accepts it: times to the second with an offset (UTC as
/// <c>-00:00</c>, as CAP asks), polygons as <c>lat,lon</c> pairs, references as <c>sender,identifier,sent</c>.
/// </summary>
public static class CapWriter
{
    /// <summary>The document as UTF-8 text with an XML declaration.</summary>
    public static string Write(CapAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var text = new Utf8StringWriter();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, Encoding = Encoding.UTF8 }))
        {
            WriteAlert(xml, alert);
        }

        return text.ToString();
    }

    /// <summary>CAP's dateTime: seconds, no fraction, an explicit offset; UTC written as <c>-00:00</c>.</summary>
    public static string Time(DateTimeOffset time)
    {
        var text = time.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        return time.Offset == TimeSpan.Zero ? text[..^6] + "-00:00" : text;
    }

    /// <summary>CAP's polygon text: <c>lat,lon</c> pairs separated by spaces.</summary>
    public static string Polygon(CapPolygon polygon)
    {
        ArgumentNullException.ThrowIfNull(polygon);
        return string.Join(' ', polygon.Points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Latitude:0.#####},{p.Longitude:0.#####}")));
    }

    /// <summary>CAP's references text: space-separated <c>sender,identifier,sent</c> triples.</summary>
    public static string References(IEnumerable<CapReference> references) =>
        string.Join(' ', references.Select(r => $"{r.Sender},{r.Identifier},{Time(r.Sent)}"));

    private static void WriteAlert(XmlWriter xml, CapAlert alert)
    {
        xml.WriteStartElement("alert", CapReader.Cap12Namespace);
        xml.WriteElementString("identifier", CapReader.Cap12Namespace, alert.Identifier);
        Element(xml, "sender", alert.Sender);
        Element(xml, "sent", Time(alert.Sent));
        Element(xml, "status", alert.Status.ToString());
        Element(xml, "msgType", alert.MsgType.ToString());
        Element(xml, "source", alert.Source);
        Element(xml, "scope", alert.Scope.ToString());
        Element(xml, "restriction", alert.Restriction);
        Element(xml, "addresses", alert.Addresses);
        foreach (var code in alert.Code)
        {
            Element(xml, "code", code);
        }

        Element(xml, "note", alert.Note);
        if (alert.References.Count > 0)
        {
            Element(xml, "references", References(alert.References));
        }

        Element(xml, "incidents", alert.Incidents);
        foreach (var info in alert.Infos)
        {
            WriteInfo(xml, info);
        }

        xml.WriteEndElement();
    }

    private static void WriteInfo(XmlWriter xml, CapInfo info)
    {
        xml.WriteStartElement("info", CapReader.Cap12Namespace);
        Element(xml, "language", info.Language);
        foreach (var category in info.Categories)
        {
            Element(xml, "category", category.ToString());
        }

        Element(xml, "event", info.Event);
        foreach (var response in info.ResponseTypes)
        {
            Element(xml, "responseType", response.ToString());
        }

        Element(xml, "urgency", info.Urgency.ToString());
        Element(xml, "severity", info.Severity.ToString());
        Element(xml, "certainty", info.Certainty.ToString());
        Element(xml, "audience", info.Audience);
        foreach (var code in info.EventCodes)
        {
            Pair(xml, "eventCode", code);
        }

        Element(xml, "effective", info.Effective is { } effective ? Time(effective) : null);
        Element(xml, "onset", info.Onset is { } onset ? Time(onset) : null);
        Element(xml, "expires", info.Expires is { } expires ? Time(expires) : null);
        Element(xml, "senderName", info.SenderName);
        Element(xml, "headline", info.Headline);
        Element(xml, "description", info.Description);
        Element(xml, "instruction", info.Instruction);
        Element(xml, "web", info.Web?.AbsoluteUri);
        Element(xml, "contact", info.Contact);
        foreach (var parameter in info.Parameters)
        {
            Pair(xml, "parameter", parameter);
        }

        foreach (var resource in info.Resources)
        {
            xml.WriteStartElement("resource", CapReader.Cap12Namespace);
            Element(xml, "resourceDesc", resource.Description);
            Element(xml, "mimeType", resource.MimeType);
            Element(xml, "size", resource.Size?.ToString(CultureInfo.InvariantCulture));
            Element(xml, "uri", resource.Uri?.OriginalString);
            Element(xml, "derefUri", resource.DerefUri);
            Element(xml, "digest", resource.Digest);
            xml.WriteEndElement();
        }

        foreach (var area in info.Areas)
        {
            xml.WriteStartElement("area", CapReader.Cap12Namespace);
            Element(xml, "areaDesc", area.AreaDesc);
            foreach (var polygon in area.Polygons)
            {
                Element(xml, "polygon", Polygon(polygon));
            }

            foreach (var circle in area.Circles)
            {
                Element(xml, "circle", string.Create(CultureInfo.InvariantCulture,
                    $"{circle.Center.Latitude:0.#####},{circle.Center.Longitude:0.#####} {circle.RadiusKm:0.###}"));
            }

            foreach (var geocode in area.Geocodes)
            {
                Pair(xml, "geocode", geocode);
            }

            Element(xml, "altitude", area.Altitude?.ToString(CultureInfo.InvariantCulture));
            Element(xml, "ceiling", area.Ceiling?.ToString(CultureInfo.InvariantCulture));
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static void Pair(XmlWriter xml, string name, CapValuePair pair)
    {
        xml.WriteStartElement(name, CapReader.Cap12Namespace);
        Element(xml, "valueName", pair.ValueName);
        Element(xml, "value", pair.Value);
        xml.WriteEndElement();
    }

    private static void Element(XmlWriter xml, string name, string? value)
    {
        if (value is not null)
        {
            xml.WriteElementString(name, CapReader.Cap12Namespace, value);
        }
    }

    /// <summary>A string writer that declares UTF-8, the encoding the document is served in.</summary>
    internal sealed class Utf8StringWriter() : StringWriter(CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => Encoding.UTF8;
    }
}
