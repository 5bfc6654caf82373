using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisOps.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Needs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "needs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    What = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ItemCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Quantity = table.Column<double>(type: "REAL", nullable: false),
                    Unit = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Discrete = table.Column<bool>(type: "INTEGER", nullable: false),
                    Priority = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    NeededBy = table.Column<string>(type: "TEXT", nullable: false),
                    PublisherKind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    IncidentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SiteCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    PublishedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PublishedAt = table.Column<string>(type: "TEXT", nullable: false),
                    IsExercise = table.Column<bool>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Committed = table.Column<double>(type: "REAL", nullable: false),
                    Received = table.Column<double>(type: "REAL", nullable: false),
                    ClosedAt = table.Column<string>(type: "TEXT", nullable: true),
                    CancelReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_needs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "need_claims",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    NeedId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Organisation = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Quantity = table.Column<double>(type: "REAL", nullable: false),
                    PromisedBy = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ClaimedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ClaimedAt = table.Column<string>(type: "TEXT", nullable: false),
                    DeliveredAt = table.Column<string>(type: "TEXT", nullable: true),
                    DeliveredBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ReceivedQuantity = table.Column<double>(type: "REAL", nullable: true),
                    ReceivedAt = table.Column<string>(type: "TEXT", nullable: true),
                    ReceivedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    EndedAt = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_need_claims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_need_claims_needs_NeedId",
                        column: x => x.NeedId,
                        principalTable: "needs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_need_claims_NeedId",
                table: "need_claims",
                column: "NeedId");

            migrationBuilder.CreateIndex(
                name: "IX_need_claims_Organisation_Status",
                table: "need_claims",
                columns: new[] { "Organisation", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_needs_IncidentId",
                table: "needs",
                column: "IncidentId");

            migrationBuilder.CreateIndex(
                name: "IX_needs_Number",
                table: "needs",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_needs_RegionPath",
                table: "needs",
                column: "RegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_needs_Status_NeededBy",
                table: "needs",
                columns: new[] { "Status", "NeededBy" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "need_claims");

            migrationBuilder.DropTable(
                name: "needs");
        }
    }
}
