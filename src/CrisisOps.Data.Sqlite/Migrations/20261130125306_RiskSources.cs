using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisOps.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class RiskSources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "government_records",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    SourceId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Time = table.Column<string>(type: "TEXT", nullable: false),
                    Severity = table.Column<int>(type: "INTEGER", nullable: false),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ReceivedAt = table.Column<string>(type: "TEXT", nullable: false),
                    ReceivedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_government_records", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "official_warnings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Sender = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Identifier = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Sent = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    MsgType = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Event = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Events = table.Column<string>(type: "TEXT", nullable: false),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Urgency = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Certainty = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Effective = table.Column<string>(type: "TEXT", nullable: false),
                    Onset = table.Column<string>(type: "TEXT", nullable: true),
                    Expires = table.Column<string>(type: "TEXT", nullable: true),
                    ValidUntil = table.Column<string>(type: "TEXT", nullable: false),
                    HeadlineZh = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    HeadlineEn = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    AreaDesc = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    References = table.Column<string>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    ReceivedAt = table.Column<string>(type: "TEXT", nullable: false),
                    ReceivedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RawXml = table.Column<byte[]>(type: "BLOB", nullable: true),
                    RawSize = table.Column<int>(type: "INTEGER", nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    EndedAt = table.Column<string>(type: "TEXT", nullable: true),
                    EndedBy = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_official_warnings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "opinion_counts",
                columns: table => new
                {
                    Source = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Keyword = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    BucketStart = table.Column<string>(type: "TEXT", nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_opinion_counts", x => new { x.Source, x.RegionCode, x.Keyword, x.BucketStart });
                });

            migrationBuilder.CreateTable(
                name: "official_warning_regions",
                columns: table => new
                {
                    WarningId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_official_warning_regions", x => new { x.WarningId, x.RegionCode });
                    table.ForeignKey(
                        name: "FK_official_warning_regions_official_warnings_WarningId",
                        column: x => x.WarningId,
                        principalTable: "official_warnings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_government_records_RegionCode_Time",
                table: "government_records",
                columns: new[] { "RegionCode", "Time" });

            migrationBuilder.CreateIndex(
                name: "IX_government_records_RegionPath",
                table: "government_records",
                column: "RegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_government_records_Source_SourceId",
                table: "government_records",
                columns: new[] { "Source", "SourceId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_official_warning_regions_RegionCode",
                table: "official_warning_regions",
                column: "RegionCode");

            migrationBuilder.CreateIndex(
                name: "IX_official_warning_regions_RegionPath",
                table: "official_warning_regions",
                column: "RegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_official_warnings_RegionPath",
                table: "official_warnings",
                column: "RegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_official_warnings_Sender_Identifier_Sent",
                table: "official_warnings",
                columns: new[] { "Sender", "Identifier", "Sent" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_official_warnings_State_ValidUntil",
                table: "official_warnings",
                columns: new[] { "State", "ValidUntil" });

            migrationBuilder.CreateIndex(
                name: "IX_opinion_counts_RegionCode_BucketStart",
                table: "opinion_counts",
                columns: new[] { "RegionCode", "BucketStart" });

            migrationBuilder.CreateIndex(
                name: "IX_opinion_counts_RegionPath",
                table: "opinion_counts",
                column: "RegionPath");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "government_records");

            migrationBuilder.DropTable(
                name: "official_warning_regions");

            migrationBuilder.DropTable(
                name: "opinion_counts");

            migrationBuilder.DropTable(
                name: "official_warnings");
        }
    }
}
