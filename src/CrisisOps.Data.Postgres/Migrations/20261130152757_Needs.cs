using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisOps.Data.Postgres.Migrations
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    What = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ItemCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Quantity = table.Column<decimal>(type: "numeric(15,3)", precision: 15, scale: 3, nullable: false),
                    Unit = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Discrete = table.Column<bool>(type: "boolean", nullable: false),
                    Priority = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    NeededBy = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    PublisherKind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    IncidentId = table.Column<Guid>(type: "uuid", nullable: true),
                    SiteCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    RegionCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RegionPath = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    PublishedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PublishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    IsExercise = table.Column<bool>(type: "boolean", nullable: false),
                    Status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Committed = table.Column<decimal>(type: "numeric(15,3)", precision: 15, scale: 3, nullable: false),
                    Received = table.Column<decimal>(type: "numeric(15,3)", precision: 15, scale: 3, nullable: false),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CancelReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_needs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "need_claims",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    NeedId = table.Column<Guid>(type: "uuid", nullable: false),
                    Organisation = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Quantity = table.Column<decimal>(type: "numeric(15,3)", precision: 15, scale: 3, nullable: false),
                    PromisedBy = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ClaimedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ClaimedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DeliveredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DeliveredBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ReceivedQuantity = table.Column<decimal>(type: "numeric(15,3)", precision: 15, scale: 3, nullable: true),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ReceivedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    EndedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
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
