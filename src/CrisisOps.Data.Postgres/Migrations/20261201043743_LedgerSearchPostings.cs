using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisOps.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class LedgerSearchPostings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ledger_entries_NeedNumber",
                table: "ledger_entries");

            migrationBuilder.DropIndex(
                name: "IX_ledger_entries_Party",
                table: "ledger_entries");

            migrationBuilder.DropIndex(
                name: "IX_ledger_entries_WarehouseCode",
                table: "ledger_entries");

            migrationBuilder.CreateTable(
                name: "ledger_search",
                columns: table => new
                {
                    Key = table.Column<string>(type: "character varying(138)", maxLength: 138, nullable: false),
                    EntryId = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_search", x => new { x.Key, x.EntryId });
                });

            // Entries integrated before this version get their postings (the integrator writes them from now on).
            migrationBuilder.Sql(@"
                INSERT INTO ledger_search (""Key"", ""EntryId"")
                SELECT 'need:' || e.""NeedNumber"", e.""Id"" FROM ledger_entries e JOIN ledger_leaves l ON l.""EntryId"" = e.""Id"" WHERE e.""NeedNumber"" <> ''
                UNION SELECT 'warehouse:' || e.""WarehouseCode"", e.""Id"" FROM ledger_entries e JOIN ledger_leaves l ON l.""EntryId"" = e.""Id"" WHERE e.""WarehouseCode"" <> ''
                UNION SELECT 'party:' || e.""Party"", e.""Id"" FROM ledger_entries e JOIN ledger_leaves l ON l.""EntryId"" = e.""Id"" WHERE e.""Party"" <> ''
                UNION SELECT 'warehouse:' || (e.""Body""::jsonb ->> 'to'), e.""Id"" FROM ledger_entries e JOIN ledger_leaves l ON l.""EntryId"" = e.""Id""
                    WHERE e.""Kind"" = 'transfer' AND (e.""Body""::jsonb ->> 'to') <> '';");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ledger_search");

            migrationBuilder.CreateIndex(
                name: "IX_ledger_entries_NeedNumber",
                table: "ledger_entries",
                column: "NeedNumber");

            migrationBuilder.CreateIndex(
                name: "IX_ledger_entries_Party",
                table: "ledger_entries",
                column: "Party");

            migrationBuilder.CreateIndex(
                name: "IX_ledger_entries_WarehouseCode",
                table: "ledger_entries",
                column: "WarehouseCode");
        }
    }
}
