using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisOps.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class MonitoringStations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "readings",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ReadingId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Time = table.Column<string>(type: "TEXT", nullable: false),
                    Value = table.Column<double>(type: "REAL", nullable: false),
                    ReceivedAt = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_readings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "stations",
                columns: table => new
                {
                    Code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    NameZh = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    NameEn = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Unit = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    IsDemo = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<string>(type: "TEXT", nullable: false),
                    latitude = table.Column<double>(type: "REAL", nullable: false),
                    longitude = table.Column<double>(type: "REAL", nullable: false),
                    valid_max = table.Column<double>(type: "REAL", nullable: false),
                    valid_min = table.Column<double>(type: "REAL", nullable: false),
                    threshold_attention = table.Column<double>(type: "REAL", nullable: true),
                    threshold_emergency = table.Column<double>(type: "REAL", nullable: true),
                    threshold_general = table.Column<double>(type: "REAL", nullable: true),
                    threshold_warning = table.Column<double>(type: "REAL", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_stations", x => x.Code);
                });

            migrationBuilder.CreateIndex(
                name: "IX_readings_StationCode_ReadingId",
                table: "readings",
                columns: new[] { "StationCode", "ReadingId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_readings_StationCode_Time",
                table: "readings",
                columns: new[] { "StationCode", "Time" });

            migrationBuilder.CreateIndex(
                name: "IX_stations_RegionPath",
                table: "stations",
                column: "RegionPath");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "readings");

            migrationBuilder.DropTable(
                name: "stations");
        }
    }
}
