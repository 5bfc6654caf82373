using System.Security.Cryptography;
using System.Text;

namespace CrisisOps.Server.Platform.Auth;

/// <summary>Personal access token secrets: 256 random bits, stored only as a SHA-256 hash.</summary>
public static class TokenSecrets
{
    public const string Prefix = "cot_";

    public static string NewSecret() =>
        Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// Tokens carry 256 bits of entropy, so a fast hash is enough (no salt or stretching needed,
    /// unlike passwords) and lets us look a token up by its hash.
    /// </summary>
    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static string NewPassword() => Base64Url(RandomNumberGenerator.GetBytes(15));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
