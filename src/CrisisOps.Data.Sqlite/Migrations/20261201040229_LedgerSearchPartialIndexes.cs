using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisOps.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class LedgerSearchPartialIndexes : Migration
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

            migrationBuilder.CreateIndex(
                name: "IX_ledger_entries_NeedNumber",
                table: "ledger_entries",
                column: "NeedNumber",
                filter: "\"NeedNumber\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ledger_entries_Party",
                table: "ledger_entries",
                column: "Party",
                filter: "\"Party\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ledger_entries_WarehouseCode",
                table: "ledger_entries",
                column: "WarehouseCode",
                filter: "\"WarehouseCode\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
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
