using System.Text;
using CrisisOps.Domain.Access;
using CrisisOps.Testing;

namespace CrisisOps.Domain.Tests.Access;

/// <summary>docs/access.md shows the role table of Role.cs; a new permission or role must not leave it behind.</summary>
public sealed class PermissionTableDocsTests
{
    [Fact]
    public void PermissionTable_InAccessDocs_MatchesRoleTable()
    {
        var expected = Table();
        var docs = File.ReadAllText(RepositoryFiles.PathOf("docs", "access.md")).ReplaceLineEndings("\n");
        if (!docs.Contains(expected, StringComparison.Ordinal))
        {
            var path = Path.Combine(Path.GetTempPath(), "crisisops-permission-table.md");
            File.WriteAllText(path, expected);
            Assert.Fail($"The permission table in docs/access.md differs from Role.cs; the table as it should read is in {path}.");
        }
    }

    private static string Table()
    {
        var roles = Enum.GetValues<Role>();
        var text = new StringBuilder();
        text.Append("| Permission | ").AppendJoin(" | ", roles.Select(r => r.Name())).Append(" |\n");
        text.Append("|---|").AppendJoin("", roles.Select(_ => "---|")).Append('\n');
        foreach (var permission in Enum.GetValues<Permission>())
        {
            text.Append("| `").Append(permission).Append("` | ")
                .AppendJoin(" | ", roles.Select(r => r.Grants(permission) ? "✓" : " ")).Append(" |\n");
        }

        return text.ToString();
    }
}
