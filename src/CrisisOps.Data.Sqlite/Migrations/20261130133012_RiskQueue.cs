using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisOps.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class RiskQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "risk_queue",
                columns: table => new
                {
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DirtySince = table.Column<string>(type: "TEXT", nullable: false),
                    Marks = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_risk_queue", x => x.RegionCode);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "risk_queue");
        }
    }
}
