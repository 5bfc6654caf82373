using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Regions;
using CrisisOps.Server.Features.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Platform.Auth;

/// <summary>
/// The first start creates the administrator: with <c>Admin:InitialPassword</c> when configured,
/// else with a random password printed once. There is never a fixed default.
/// </summary>
public static class AdminBootstrap
{
    public const string AdminUserName = "admin";

    public static async Task EnsureAdminAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrisisOpsDbContext>();
        var hasher = scope.ServiceProvider.GetRequiredService<PasswordHasher<User>>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var configured = app.Configuration["Admin:InitialPassword"];
        var reset = app.Configuration.GetValue("Admin:ResetPassword", false);

        var admin = await db.Users.SingleOrDefaultAsync(u => u.UserName == AdminUserName);
        if (admin is not null && !reset)
        {
            Console.WriteLine($"Admin user '{AdminUserName}' exists; its password was shown at first start. "
                + "Start once with --Admin:ResetPassword=true to set a new one.");
            return;
        }

        if (configured is { Length: > 0 and < AccessEndpoints.MinPasswordLength })
        {
            throw new InvalidOperationException($"Admin:InitialPassword must have at least {AccessEndpoints.MinPasswordLength} characters.");
        }

        var password = string.IsNullOrEmpty(configured) ? TokenSecrets.NewPassword() : configured;
        var now = clock.GetUtcNow();
        if (admin is null)
        {
            admin = new User(Guid.CreateVersion7(now), AdminUserName, "Administrator", "", now);
            admin.ChangePasswordHash(hasher.HashPassword(admin, password));
            db.Users.Add(admin);
            db.RoleGrants.Add(new RoleGrant(Guid.CreateVersion7(now), admin.Id, Role.Admin, AccessEndpoints.Everywhere,
                RegionPath.Separator, null, now));
            db.Append(new JournalRecord(now, "system", JournalTypes.UserCreated, null, null, null, new { user = AdminUserName }));
            db.Append(new JournalRecord(now, "system", JournalTypes.RoleGranted, null, null, null,
                new { user = AdminUserName, role = Role.Admin.Name(), region = AccessEndpoints.Everywhere }));
        }
        else
        {
            admin.ChangePasswordHash(hasher.HashPassword(admin, password));
        }

        await db.SaveChangesAsync();
        Console.WriteLine(string.IsNullOrEmpty(configured)
            ? $"Admin user: {AdminUserName}   password: {password}   (shown once; sign in and keep it safe)"
            : $"Admin user: {AdminUserName}   password: from Admin:InitialPassword");
    }
}
