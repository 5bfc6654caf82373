using System.Security.Cryptography;
using System.Text;

namespace CrisisOps.Server.Features.Alerts.Delivery.Gateways;

/// <summary>
/// Receipts are signed by the gateway, not sent with a user's token: <c>X-CrisisOps-Signature: sha256=&lt;hex&gt;</c>,
/// the HMAC-SHA256 of the raw body with the gateway's shared secret. A forged or altered receipt is refused.
/// </summary>
public static class ReceiptSignature
{
    public const string Header = "X-CrisisOps-Signature";

    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? signature)
    {
        if (signature is null)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, body));
        var given = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
