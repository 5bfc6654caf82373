namespace CrisisOps.Server.Platform.Auth;

public static class AuthSchemes
{
    /// <summary>Browser sessions.</summary>
    public const string Cookie = "Cookies";

    /// <summary>Personal access tokens for the CLI and machines.</summary>
    public const string Bearer = "Bearer";

    /// <summary>Picks Bearer when an Authorization header is present, else the cookie.</summary>
    public const string Smart = "Smart";
}
