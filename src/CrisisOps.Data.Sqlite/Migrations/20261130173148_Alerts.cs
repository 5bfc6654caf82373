using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisOps.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Alerts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "alerts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Identifier = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Sender = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    MsgType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Restriction = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Tier = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Hazard = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Infos = table.Column<string>(type: "TEXT", nullable: false),
                    References = table.Column<string>(type: "TEXT", nullable: false),
                    Stage = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ComposedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ComposedAt = table.Column<string>(type: "TEXT", nullable: false),
                    SubmittedAt = table.Column<string>(type: "TEXT", nullable: true),
                    ApprovalsRequired = table.Column<int>(type: "INTEGER", nullable: false),
                    Approvals = table.Column<string>(type: "TEXT", nullable: false),
                    Sent = table.Column<string>(type: "TEXT", nullable: true),
                    CapXml = table.Column<string>(type: "TEXT", nullable: true),
                    WithdrawnBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    WithdrawnAt = table.Column<string>(type: "TEXT", nullable: true),
                    WithdrawReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alerts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "alert_regions",
                columns: table => new
                {
                    AlertId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Path = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    NameZh = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    NameEn = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_regions", x => new { x.AlertId, x.Code });
                    table.ForeignKey(
                        name: "FK_alert_regions_alerts_AlertId",
                        column: x => x.AlertId,
                        principalTable: "alerts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_alert_regions_Path",
                table: "alert_regions",
                column: "Path");

            migrationBuilder.CreateIndex(
                name: "IX_alerts_Sender_Identifier",
                table: "alerts",
                columns: new[] { "Sender", "Identifier" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_alerts_Stage_Sent",
                table: "alerts",
                columns: new[] { "Stage", "Sent" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alert_regions");

            migrationBuilder.DropTable(
                name: "alerts");
        }
    }
}
