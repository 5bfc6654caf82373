using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;

namespace CrisisOps.Domain.Alerts;

/// <summary>
/// XML-DSig for CAP: an enveloped RSA-SHA256 signature over the whole alert, placed as the alert's last
/// child (where the CAP 1.2 schema allows <c>ds:Signature</c>), with the certificate in <c>KeyInfo</c> so a
/// receiver can check it against the sender's published certificate.
/// </summary>
public static class CapSigner
{
    /// <summary>Signs <paramref name="capXml"/> with <paramref name="certificate"/>'s RSA private key.</summary>
    /// <exception cref="InvalidOperationException">The certificate has no RSA private key.</exception>
    public static string Sign(string capXml, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("The signing certificate has no RSA private key.");
        var document = Load(capXml);
        var signed = new SignedXml(document) { SigningKey = key };
        signed.SignedInfo!.SignatureMethod = SignedXml.XmlDsigRSASHA256Url;
        signed.SignedInfo.CanonicalizationMethod = SignedXml.XmlDsigExcC14NTransformUrl;
        var reference = new Reference("") { DigestMethod = SignedXml.XmlDsigSHA256Url };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        reference.AddTransform(new XmlDsigExcC14NTransform());
        signed.AddReference(reference);
        var keyInfo = new KeyInfo();
        keyInfo.AddClause(new KeyInfoX509Data(certificate));
        signed.KeyInfo = keyInfo;
        signed.ComputeSignature();
        document.DocumentElement!.AppendChild(document.ImportNode(signed.GetXml(), true));
        return Text(document);
    }

    /// <summary>
    /// True when <paramref name="capXml"/> carries exactly one signature over the whole document, made with
    /// RSA-SHA256 by <paramref name="publicKey"/>, and nothing was changed since.
    /// </summary>
    public static bool Verify(string capXml, RSA publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        XmlDocument document;
        try
        {
            document = Load(capXml);
        }
        catch (XmlException)
        {
            return false;
        }

        var signatures = document.GetElementsByTagName("Signature", SignedXml.XmlDsigNamespaceUrl);
        if (signatures.Count != 1)
        {
            return false;
        }

        var signed = new SignedXml(document);
        signed.LoadXml((XmlElement)signatures[0]!);

        // Only a signature over the whole document counts; one over a fragment would let the rest be changed.
        return signed.SignatureMethod == SignedXml.XmlDsigRSASHA256Url
            && signed.SignedInfo!.References.Count == 1
            && signed.SignedInfo.References[0] is Reference { Uri: "" }
            && signed.CheckSignature(publicKey);
    }

    private static XmlDocument Load(string xml)
    {
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        document.Load(reader);
        return document;
    }

    private static string Text(XmlDocument document)
    {
        using var writer = new CapWriter.Utf8StringWriter();
        document.Save(writer);
        return writer.ToString();
    }
}
