using System.Net;
using System.Text.Json;

namespace CrisisOps.Cli.Tests;

public sealed class LoginTests : IDisposable
{
    private readonly CliHarness cli = new();

    public void Dispose() => cli.Dispose();

    private static FakeServer TokenServer() => new(request => request.PathAndQuery switch
    {
        "/api/v1/auth/tokens" => FakeServer.Json(
            HttpStatusCode.Created, """{"id":"t-1","name":"laptop","token":"s3cret","expiresAt":"2030-01-01T00:00:00Z"}"""),
        "/crisis/api/v1/auth/tokens" => FakeServer.Json(
            HttpStatusCode.Created, """{"id":"t-2","name":"laptop","token":"s3cret","expiresAt":"2030-01-01T00:00:00Z"}"""),
        _ => FakeServer.Json(HttpStatusCode.OK, """{"items":[]}"""),
    });

    [Fact]
    public async Task Login_WithPasswordFromStdin_PostsCredentialsAndStoresToken()
    {
        cli.Stdin = "correct horse\n";
        var server = TokenServer();

        var result = await cli.RunAsync(
            server, "login", "--url", "http://ops.test", "--user", "alice", "--password-stdin", "--token-name", "laptop");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var request = Assert.Single(server.Requests);
        Assert.Null(request.Header("Authorization"));
        using (var body = JsonDocument.Parse(request.Body))
        {
            Assert.Equal("alice", body.RootElement.GetProperty("userName").GetString());
            Assert.Equal("correct horse", body.RootElement.GetProperty("password").GetString());
            Assert.Equal("laptop", body.RootElement.GetProperty("name").GetString());
        }

        var stored = new CredentialStore(cli.DefaultCredentialsPath).Load();
        Assert.Equal(new StoredCredentials("http://ops.test/", "s3cret", "alice", new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), "t-1"), stored);
        Assert.DoesNotContain("s3cret", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WhenConfigVariableIsSet_StoresThere()
    {
        cli.Stdin = "pw";
        var path = Path.Combine(cli.HomeDirectory, "ci", "creds.json");
        cli.Variables["CRISISOPS_CONFIG"] = path;

        var result = await cli.RunAsync(TokenServer(), "login", "--url", "http://ops.test/crisis", "--user", "ci", "--password-stdin");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("http://ops.test/crisis/", new CredentialStore(path).Load()!.Url);
    }

    [Fact]
    public async Task LaterCommand_AfterLogin_SendsStoredTokenToTheSameServer()
    {
        cli.Stdin = "pw";
        var server = TokenServer();
        await cli.RunAsync(server, "login", "--url", "http://ops.test", "--user", "alice", "--password-stdin");

        var result = await cli.RunAsync(server, "regions", "list");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("Bearer s3cret", server.Requests[^1].Header("Authorization"));
    }

    [Fact]
    public async Task LaterCommand_WhenUrlPointsToAnotherServer_DoesNotSendStoredToken()
    {
        cli.Stdin = "pw";
        var server = TokenServer();
        await cli.RunAsync(server, "login", "--url", "http://ops.test", "--user", "alice", "--password-stdin");

        await cli.RunAsync(server, "regions", "list", "--url", "http://elsewhere.test");

        Assert.Equal("elsewhere.test", server.Requests[^1].Uri.Host);
        Assert.Null(server.Requests[^1].Header("Authorization"));
    }

    [Fact]
    public async Task LaterCommand_WhenTokenVariableIsSet_OverridesStoredToken()
    {
        cli.Stdin = "pw";
        var server = TokenServer();
        await cli.RunAsync(server, "login", "--url", "http://ops.test", "--user", "alice", "--password-stdin");
        cli.Variables["CRISISOPS_TOKEN"] = "from-ci";

        await cli.RunAsync(server, "regions", "list");

        Assert.Equal("Bearer from-ci", server.Requests[^1].Header("Authorization"));
    }

    [Fact]
    public async Task Logout_WhenLoggedIn_RevokesTokenOnServerAndRemovesFile()
    {
        cli.Stdin = "pw";
        var server = new FakeServer(request => request.Method == HttpMethod.Delete
            ? new HttpResponseMessage(HttpStatusCode.NoContent)
            : FakeServer.Json(HttpStatusCode.Created, """{"id":"t 1","name":"n","token":"s3cret","expiresAt":"2030-01-01T00:00:00Z"}"""));
        await cli.RunAsync(server, "login", "--url", "http://ops.test", "--user", "alice", "--password-stdin");

        var result = await cli.RunAsync(server, "logout");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var delete = server.Requests[^1];
        Assert.Equal(HttpMethod.Delete, delete.Method);
        Assert.Equal("/api/v1/auth/tokens/t%201", delete.Uri.AbsolutePath);
        Assert.Equal("Bearer s3cret", delete.Header("Authorization"));
        Assert.False(File.Exists(cli.DefaultCredentialsPath));
    }

    [Fact]
    public async Task Logout_WhenServerIsUnreachable_RemovesFileWarnsAndReturnsUnreachable()
    {
        new CredentialStore(cli.DefaultCredentialsPath).Save(new StoredCredentials("http://ops.test/", "s3cret", "alice", null, "t-1"));
        var server = new FakeServer(_ => throw new HttpRequestException("Connection refused"));

        var result = await cli.RunAsync(server, "logout");

        Assert.Equal(ExitCodes.Unreachable, result.ExitCode);
        Assert.False(File.Exists(cli.DefaultCredentialsPath));
        Assert.Contains("not revoked", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_WhenNotLoggedIn_SaysSoAndSucceeds()
    {
        var result = await cli.RunAsync(null, "logout");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("Not logged in", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WhenPasswordIsWrong_PrintsProblemAndStoresNothing()
    {
        cli.Stdin = "wrong";
        var server = new FakeServer(_ => FakeServer.Problem(
            HttpStatusCode.Unauthorized, """{"title":"Invalid user name or password.","status":401}"""));

        var result = await cli.RunAsync(server, "login", "--url", "http://ops.test", "--user", "alice", "--password-stdin");

        Assert.Equal(ExitCodes.ServerError, result.ExitCode);
        Assert.Contains("Invalid user name or password.", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.DefaultCredentialsPath));
    }
}
