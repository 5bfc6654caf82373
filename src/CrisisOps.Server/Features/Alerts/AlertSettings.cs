using System.Security.Cryptography.X509Certificates;
using CrisisOps.Domain.Warning;

namespace CrisisOps.Server.Features.Alerts;

/// <summary>
/// The <c>Alerts</c> configuration section: who we are in CAP (<c>Sender</c>, <c>IdentifierPrefix</c>), how many
/// different people approve an alert per tier (<c>ApprovalsRequired:Emergency</c> = 2 by default, others 1), and
/// the optional signing key (<c>Signing:CertificatePath</c> + <c>Signing:CertificatePassword</c> for a PFX, or
/// <c>Signing:PemCertificatePath</c> + <c>Signing:PemKeyPath</c>).
/// </summary>
public sealed class AlertSettings
{
    private readonly IConfiguration _configuration;
    private readonly Lazy<X509Certificate2?> _certificate;

    public AlertSettings(IConfiguration configuration)
    {
        _configuration = configuration;
        Sender = configuration["Alerts:Sender"] is { Length: > 0 } sender ? sender : "alerts@crisisops.example";
        IdentifierPrefix = configuration["Alerts:IdentifierPrefix"] is { Length: > 0 } prefix ? prefix : "CRISISOPS";
        if (Sender.Any(c => char.IsWhiteSpace(c) || c is ',' or '<' or '&') || IdentifierPrefix.Any(c => char.IsWhiteSpace(c) || c is ',' or '<' or '&'))
        {
            // CAP forbids spaces, commas and restricted characters in sender and identifier: a bad value would make every alert invalid.
            throw new InvalidOperationException("Alerts:Sender and Alerts:IdentifierPrefix may contain no spaces, commas, '<' or '&'.");
        }

        _certificate = new Lazy<X509Certificate2?>(LoadCertificate);
    }

    public string Sender { get; }

    public string IdentifierPrefix { get; }

    /// <summary>Different approvers needed to release an alert announcing <paramref name="tier"/>.</summary>
    public int ApprovalsRequired(WarningTier tier) =>
        Math.Max(1, _configuration.GetValue($"Alerts:ApprovalsRequired:{tier}", tier == WarningTier.Emergency ? 2 : 1));

    /// <summary>The signing certificate with its private key, or null when signing is not configured.</summary>
    /// <exception cref="InvalidOperationException">Configured, but the files cannot be read.</exception>
    public X509Certificate2? SigningCertificate => _certificate.Value;

    private X509Certificate2? LoadCertificate()
    {
        var pfx = _configuration["Alerts:Signing:CertificatePath"];
        var pem = _configuration["Alerts:Signing:PemCertificatePath"];
        try
        {
            if (!string.IsNullOrEmpty(pfx))
            {
                return X509CertificateLoader.LoadPkcs12FromFile(pfx, _configuration["Alerts:Signing:CertificatePassword"]);
            }

            return string.IsNullOrEmpty(pem) ? null : X509Certificate2.CreateFromPemFile(pem, _configuration["Alerts:Signing:PemKeyPath"]);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new InvalidOperationException("Alerts:Signing is configured but the key cannot be loaded: " + ex.Message, ex);
        }
    }
}
