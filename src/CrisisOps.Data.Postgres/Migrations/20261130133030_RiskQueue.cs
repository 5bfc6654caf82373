using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisOps.Data.Postgres.Migrations
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
                    RegionCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    DirtySince = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Marks = table.Column<long>(type: "bigint", nullable: false)
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
