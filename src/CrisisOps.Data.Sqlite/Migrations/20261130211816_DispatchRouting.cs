using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisOps.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class DispatchRouting : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "UnitVolumeM3",
                table: "items",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "UnitWeightKg",
                table: "items",
                type: "REAL",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "delivery_plans",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    PlanVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    PreviousId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SupersededById = table.Column<Guid>(type: "TEXT", nullable: true),
                    IncidentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    IncidentNumber = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Method = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    DepartAt = table.Column<string>(type: "TEXT", nullable: false),
                    Seconds = table.Column<int>(type: "INTEGER", nullable: false),
                    Seed = table.Column<int>(type: "INTEGER", nullable: false),
                    IsExercise = table.Column<bool>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    CreatedAt = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    IssuedAt = table.Column<string>(type: "TEXT", nullable: true),
                    IssuedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ReplanCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ReplanText = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_delivery_plans", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "road_closures",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    WayId = table.Column<long>(type: "INTEGER", nullable: true),
                    PointLatitude = table.Column<double>(type: "REAL", nullable: true),
                    PointLongitude = table.Column<double>(type: "REAL", nullable: true),
                    AreaJson = table.Column<string>(type: "TEXT", nullable: true),
                    ReasonZh = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    ReasonEn = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    IncidentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    RuleKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    ClosedAt = table.Column<string>(type: "TEXT", nullable: false),
                    ClosedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ReopenedAt = table.Column<string>(type: "TEXT", nullable: true),
                    ReopenedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_road_closures", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "vehicles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    WarehouseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    WarehouseCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    CapacityKg = table.Column<double>(type: "REAL", nullable: false),
                    CapacityM3 = table.Column<double>(type: "REAL", nullable: false),
                    SpeedFactor = table.Column<double>(type: "REAL", nullable: false),
                    ShiftStart = table.Column<TimeOnly>(type: "TEXT", nullable: false),
                    ShiftEnd = table.Column<TimeOnly>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    CreatedAt = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vehicles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_vehicles_warehouses_WarehouseId",
                        column: x => x.WarehouseId,
                        principalTable: "warehouses",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "delivery_plan_routes",
                columns: table => new
                {
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    VehicleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VehicleCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    VehicleName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    DepotCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    StartLatitude = table.Column<double>(type: "REAL", nullable: false),
                    StartLongitude = table.Column<double>(type: "REAL", nullable: false),
                    Departure = table.Column<string>(type: "TEXT", nullable: false),
                    Return = table.Column<string>(type: "TEXT", nullable: false),
                    Meters = table.Column<double>(type: "REAL", nullable: false),
                    Seconds = table.Column<double>(type: "REAL", nullable: false),
                    LoadKg = table.Column<double>(type: "REAL", nullable: false),
                    LoadM3 = table.Column<double>(type: "REAL", nullable: false),
                    GeometryJson = table.Column<string>(type: "TEXT", nullable: false),
                    OrderId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_delivery_plan_routes", x => new { x.PlanId, x.Number });
                    table.ForeignKey(
                        name: "FK_delivery_plan_routes_delivery_plans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "delivery_plans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "delivery_plan_stops",
                columns: table => new
                {
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    Route = table.Column<int>(type: "INTEGER", nullable: false),
                    Sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    NeedId = table.Column<Guid>(type: "TEXT", nullable: false),
                    NeedNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    SiteCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    PlaceName = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    Latitude = table.Column<double>(type: "REAL", nullable: false),
                    Longitude = table.Column<double>(type: "REAL", nullable: false),
                    ItemCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Quantity = table.Column<double>(type: "REAL", nullable: false),
                    Unit = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Kg = table.Column<double>(type: "REAL", nullable: false),
                    M3 = table.Column<double>(type: "REAL", nullable: false),
                    PriorityClass = table.Column<int>(type: "INTEGER", nullable: false),
                    Arrival = table.Column<string>(type: "TEXT", nullable: false),
                    ServiceStart = table.Column<string>(type: "TEXT", nullable: false),
                    Departure = table.Column<string>(type: "TEXT", nullable: false),
                    Due = table.Column<string>(type: "TEXT", nullable: false),
                    ServedAt = table.Column<string>(type: "TEXT", nullable: true),
                    ServedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_delivery_plan_stops", x => new { x.PlanId, x.Number });
                    table.ForeignKey(
                        name: "FK_delivery_plan_stops_delivery_plans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "delivery_plans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "delivery_plan_unserved",
                columns: table => new
                {
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    NeedId = table.Column<Guid>(type: "TEXT", nullable: false),
                    NeedNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    SiteCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    PlaceName = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    Latitude = table.Column<double>(type: "REAL", nullable: true),
                    Longitude = table.Column<double>(type: "REAL", nullable: true),
                    Quantity = table.Column<double>(type: "REAL", nullable: false),
                    Unit = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    PriorityClass = table.Column<int>(type: "INTEGER", nullable: false),
                    Cause = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_delivery_plan_unserved", x => new { x.PlanId, x.Number });
                    table.ForeignKey(
                        name: "FK_delivery_plan_unserved_delivery_plans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "delivery_plans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_delivery_plans_IncidentId",
                table: "delivery_plans",
                column: "IncidentId");

            migrationBuilder.CreateIndex(
                name: "IX_delivery_plans_Number_PlanVersion",
                table: "delivery_plans",
                columns: new[] { "Number", "PlanVersion" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_road_closures_RuleKey",
                table: "road_closures",
                column: "RuleKey");

            migrationBuilder.CreateIndex(
                name: "IX_road_closures_Status",
                table: "road_closures",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_vehicles_Code",
                table: "vehicles",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_vehicles_RegionPath",
                table: "vehicles",
                column: "RegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_vehicles_WarehouseId",
                table: "vehicles",
                column: "WarehouseId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "delivery_plan_routes");

            migrationBuilder.DropTable(
                name: "delivery_plan_stops");

            migrationBuilder.DropTable(
                name: "delivery_plan_unserved");

            migrationBuilder.DropTable(
                name: "road_closures");

            migrationBuilder.DropTable(
                name: "vehicles");

            migrationBuilder.DropTable(
                name: "delivery_plans");

            migrationBuilder.DropColumn(
                name: "UnitVolumeM3",
                table: "items");

            migrationBuilder.DropColumn(
                name: "UnitWeightKg",
                table: "items");
        }
    }
}
