using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisOps.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Command : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "headquarters",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    IncidentId = table.Column<Guid>(type: "uuid", nullable: false),
                    TemplateCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    NameZh = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    NameEn = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Commander = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Deputy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    RegionCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RegionPath = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    IsExercise = table.Column<bool>(type: "boolean", nullable: false),
                    FormedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    FormedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_headquarters", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "command_units",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    HeadquartersId = table.Column<Guid>(type: "uuid", nullable: false),
                    IncidentId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Department = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    RegionCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    SiteCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Organisation = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_command_units", x => x.Id);
                    table.ForeignKey(
                        name: "FK_command_units_headquarters_HeadquartersId",
                        column: x => x.HeadquartersId,
                        principalTable: "headquarters",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "command_unit_members",
                columns: table => new
                {
                    UnitId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AddedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AddedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_command_unit_members", x => new { x.UnitId, x.UserName });
                    table.ForeignKey(
                        name: "FK_command_unit_members_command_units_UnitId",
                        column: x => x.UnitId,
                        principalTable: "command_units",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "orders",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    HeadquartersId = table.Column<Guid>(type: "uuid", nullable: false),
                    IncidentId = table.Column<Guid>(type: "uuid", nullable: false),
                    UnitId = table.Column<Guid>(type: "uuid", nullable: false),
                    What = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Details = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    WhereRegionCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    WhereSiteCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    WhereText = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    DueBy = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Priority = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    AcknowledgeBy = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SourceType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    SourceId = table.Column<Guid>(type: "uuid", nullable: true),
                    RegionCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RegionPath = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    IsExercise = table.Column<bool>(type: "boolean", nullable: false),
                    Status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    IssuedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    IssuedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AcknowledgedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AcknowledgedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DoneAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CannotDoAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CannotDoReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    LastActor = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    FlaggedUnacknowledged = table.Column<bool>(type: "boolean", nullable: false),
                    FlaggedOverdue = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_orders", x => x.Id);
                    table.ForeignKey(
                        name: "FK_orders_command_units_UnitId",
                        column: x => x.UnitId,
                        principalTable: "command_units",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_orders_headquarters_HeadquartersId",
                        column: x => x.HeadquartersId,
                        principalTable: "headquarters",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "order_reports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrderId = table.Column<Guid>(type: "uuid", nullable: false),
                    Text = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    FiguresJson = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    ReportedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReportedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_reports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_order_reports_orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "order_photos",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ReportId = table.Column<Guid>(type: "uuid", nullable: false),
                    ContentType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Bytes = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_photos", x => x.Id);
                    table.ForeignKey(
                        name: "FK_order_photos_order_reports_ReportId",
                        column: x => x.ReportId,
                        principalTable: "order_reports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_command_unit_members_UserName",
                table: "command_unit_members",
                column: "UserName");

            migrationBuilder.CreateIndex(
                name: "IX_command_units_HeadquartersId",
                table: "command_units",
                column: "HeadquartersId");

            migrationBuilder.CreateIndex(
                name: "IX_command_units_IncidentId",
                table: "command_units",
                column: "IncidentId");

            migrationBuilder.CreateIndex(
                name: "IX_headquarters_IncidentId",
                table: "headquarters",
                column: "IncidentId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_headquarters_RegionPath",
                table: "headquarters",
                column: "RegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_order_photos_ReportId",
                table: "order_photos",
                column: "ReportId");

            migrationBuilder.CreateIndex(
                name: "IX_order_reports_OrderId",
                table: "order_reports",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_orders_HeadquartersId",
                table: "orders",
                column: "HeadquartersId");

            migrationBuilder.CreateIndex(
                name: "IX_orders_IncidentId",
                table: "orders",
                column: "IncidentId");

            migrationBuilder.CreateIndex(
                name: "IX_orders_RegionPath",
                table: "orders",
                column: "RegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_orders_SourceType_SourceId",
                table: "orders",
                columns: new[] { "SourceType", "SourceId" });

            migrationBuilder.CreateIndex(
                name: "IX_orders_UnitId",
                table: "orders",
                column: "UnitId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "command_unit_members");

            migrationBuilder.DropTable(
                name: "order_photos");

            migrationBuilder.DropTable(
                name: "order_reports");

            migrationBuilder.DropTable(
                name: "orders");

            migrationBuilder.DropTable(
                name: "command_units");

            migrationBuilder.DropTable(
                name: "headquarters");
        }
    }
}
