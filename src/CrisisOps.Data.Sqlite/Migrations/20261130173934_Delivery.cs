using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisOps.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Delivery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "alert_recipients",
                columns: table => new
                {
                    AlertId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ResidentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Rung = table.Column<int>(type: "INTEGER", nullable: false),
                    ReachedAt = table.Column<string>(type: "TEXT", nullable: true),
                    ReachedVia = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_recipients", x => new { x.AlertId, x.ResidentId });
                });

            migrationBuilder.CreateTable(
                name: "deliveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AlertId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    TargetKey = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    ResidentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    Language = table.Column<string>(type: "TEXT", maxLength: 35, nullable: false),
                    Round = table.Column<int>(type: "INTEGER", nullable: false),
                    IsExercise = table.Column<bool>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<string>(type: "TEXT", nullable: false),
                    ClaimToken = table.Column<Guid>(type: "TEXT", nullable: true),
                    LeaseUntil = table.Column<string>(type: "TEXT", nullable: true),
                    Gateway = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    GatewayMessageId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<string>(type: "TEXT", nullable: false),
                    SentAt = table.Column<string>(type: "TEXT", nullable: true),
                    DeliveredAt = table.Column<string>(type: "TEXT", nullable: true),
                    FailedAt = table.Column<string>(type: "TEXT", nullable: true),
                    TakenBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_deliveries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "delivery_fanout_jobs",
                columns: table => new
                {
                    AlertId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Identifier = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Tier = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    RegionCodes = table.Column<string>(type: "TEXT", nullable: false),
                    Polygons = table.Column<string>(type: "TEXT", nullable: false),
                    IsExercise = table.Column<bool>(type: "INTEGER", nullable: false),
                    MessagesJson = table.Column<string>(type: "TEXT", nullable: false),
                    RegionPaths = table.Column<string>(type: "TEXT", nullable: false),
                    Cursor = table.Column<Guid>(type: "TEXT", nullable: true),
                    Targeted = table.Column<int>(type: "INTEGER", nullable: false),
                    EscalationRound = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<string>(type: "TEXT", nullable: false),
                    StartedAt = table.Column<string>(type: "TEXT", nullable: true),
                    ExpandedAt = table.Column<string>(type: "TEXT", nullable: true),
                    LeaseUntil = table.Column<string>(type: "TEXT", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_delivery_fanout_jobs", x => x.AlertId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_alert_recipients_AlertId_ReachedAt",
                table: "alert_recipients",
                columns: new[] { "AlertId", "ReachedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_deliveries_AlertId_Channel_TargetKey",
                table: "deliveries",
                columns: new[] { "AlertId", "Channel", "TargetKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_deliveries_AlertId_ResidentId",
                table: "deliveries",
                columns: new[] { "AlertId", "ResidentId" });

            migrationBuilder.CreateIndex(
                name: "IX_deliveries_ClaimToken",
                table: "deliveries",
                column: "ClaimToken");

            migrationBuilder.CreateIndex(
                name: "IX_deliveries_Status_NextAttemptAt",
                table: "deliveries",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_delivery_fanout_jobs_ExpandedAt",
                table: "delivery_fanout_jobs",
                column: "ExpandedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alert_recipients");

            migrationBuilder.DropTable(
                name: "deliveries");

            migrationBuilder.DropTable(
                name: "delivery_fanout_jobs");
        }
    }
}
