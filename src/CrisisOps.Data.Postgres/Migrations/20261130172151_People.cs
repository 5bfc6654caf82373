using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisOps.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class People : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "residents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Reference = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    BirthYear = table.Column<int>(type: "integer", nullable: true),
                    HomeRegionCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    HomeRegionPath = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    HomeLatitude = table.Column<double>(type: "double precision", nullable: true),
                    HomeLongitude = table.Column<double>(type: "double precision", nullable: true),
                    HomeAddress = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    WorkRegionCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    WorkRegionPath = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    WorkLatitude = table.Column<double>(type: "double precision", nullable: true),
                    WorkLongitude = table.Column<double>(type: "double precision", nullable: true),
                    Mobile = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Landline = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    PushToken = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    Language = table.Column<string>(type: "character varying(35)", maxLength: 35, nullable: false),
                    Needs = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Trainings = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_residents", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_residents_HomeRegionPath",
                table: "residents",
                column: "HomeRegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_residents_Reference",
                table: "residents",
                column: "Reference",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_residents_WorkRegionPath",
                table: "residents",
                column: "WorkRegionPath");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "residents");
        }
    }
}
