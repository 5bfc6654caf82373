// Leaflet glue for the situation map. Everything people wrote is put into the page as text
// (textContent), never as HTML. No tiles unless the server is configured with a tile URL.

const siteColours = { 'nursing-home': '#b5179e', school: '#f28c28', hospital: '#d62828', shelter: '#2a9d8f' };
const levelWeight = { province: 3, city: 3, county: 2.5, township: 1.5, community: 0.8 };

function textElement(lines) {
    const el = document.createElement('div');
    for (const line of lines) {
        const row = document.createElement('div');
        row.textContent = line;
        el.appendChild(row);
    }
    return el;
}

export function create(element, options, dotnet) {
    if (!window.L) {
        return null;
    }
    const map = L.map(element, { zoomControl: true, attributionControl: true, preferCanvas: false });
    if (options.tileUrl) {
        L.tileLayer(options.tileUrl, { attribution: options.tileAttribution || '', maxZoom: 19 }).addTo(map);
    }
    if (options.attribution) {
        map.attributionControl.addAttribution(options.attribution);
    }
    const state = { map, layers: {}, dotnet, reportMode: false };
    map.on('click', e => {
        if (state.reportMode) {
            dotnet.invokeMethodAsync('OnMapClicked', e.latlng.lat, e.latlng.lng);
        }
    });
    return state;
}

// A Blazor circuit can still push layers after the page navigated away and the map was removed (or its
// element left the document); adding a marker then throws inside Leaflet and would end the whole circuit.
function alive(state) {
    return !!state && !state.removed && document.body.contains(state.map.getContainer());
}

export function setReportMode(state, on) {
    if (!alive(state)) return;
    state.reportMode = on;
    state.map.getContainer().classList.toggle('report-mode', on);
}

function replace(state, name, layer) {
    if (!alive(state)) return;
    if (state.layers[name]) {
        state.map.removeLayer(state.layers[name]);
    }
    state.layers[name] = layer;
    layer.addTo(state.map);
}

const tierFill = { general: '#4dabf7', attention: '#ffd43b', warning: '#ff922b', emergency: '#fa5252' };

function regionStyle(properties, tier) {
    const community = properties.level === 'community';
    return {
        color: community ? '#5b6770' : '#1d3557',
        weight: levelWeight[properties.level] || 1,
        fill: community,
        fillColor: tierFill[tier] || (properties.lowLying ? '#8ecae6' : '#e9ecef'),
        fillOpacity: community ? (tierFill[tier] ? 0.7 : 0.45) : 0,
        className: 'region region-' + properties.code,
    };
}

export function setRegions(state, collection, fit) {
    if (!alive(state)) return;
    state.regionLayers = {};
    const layer = L.geoJSON(collection, {
        style: f => regionStyle(f.properties, f.properties.tier),
        onEachFeature: (f, l) => {
            state.regionLayers[f.properties.code] = { layer: l, properties: f.properties };
            l.bindTooltip(textElement([f.properties.name, f.properties.code]), { sticky: true });
            l.on('click', e => {
                if (state.reportMode) return;
                L.DomEvent.stopPropagation(e);
                state.dotnet.invokeMethodAsync('OnRegionClicked', f.properties.code);
            });
        },
    });
    replace(state, 'regions', layer);
    layer.bringToBack();
    if (fit && layer.getBounds().isValid()) {
        state.map.fitBounds(layer.getBounds(), { padding: [10, 10] });
    }
}

// Recolours regions by their warning tier (风险图谱) without redrawing them.
export function setRegionTiers(state, tiers) {
    if (!alive(state) || !state.regionLayers) return;
    for (const [code, entry] of Object.entries(state.regionLayers)) {
        const tier = tiers[code] || 'none';
        entry.layer.setStyle(regionStyle(entry.properties, tier));
        const path = entry.layer.getElement && entry.layer.getElement();
        if (path) path.dataset.tier = tier;
    }
}

export function setSites(state, sites) {
    if (!alive(state)) return;
    const group = L.layerGroup(sites.map(s =>
        L.circleMarker([s.lat, s.lon], { radius: 5, color: '#fff', weight: 1, fillColor: siteColours[s.type] || '#555', fillOpacity: 1 })
            .bindTooltip(textElement([s.name, s.typeName]))));
    replace(state, 'sites', group);
}

const tierColours = { none: '#6c757d', general: '#1971c2', attention: '#f2c500', warning: '#f08c00', emergency: '#e03131' };

export function setStations(state, stations) {
    if (!alive(state)) return;
    const group = L.layerGroup(stations.map(s => {
        const marker = L.marker([s.lat, s.lon], {
            icon: L.divIcon({
                className: 'station-icon',
                html: '',
                iconSize: [12, 12],
            }),
            keyboard: false,
        });
        marker.on('add', () => {
            const el = marker.getElement();
            if (el) el.style.background = tierColours[s.tier] || tierColours.none;
        });
        marker.bindTooltip(textElement([s.name, s.latest]));
        return marker;
    }));
    replace(state, 'stations', group);
}

export function setIncidents(state, incidents) {
    if (!alive(state)) return;
    const group = L.layerGroup(incidents.map(i => {
        const marker = L.circleMarker([i.lat, i.lon], {
            radius: 10, color: '#000', weight: 2, fillColor: i.overdue ? '#d00000' : '#ffba08', fillOpacity: 0.9,
            className: 'incident-marker',
        });
        marker.bindTooltip(textElement([i.number, i.title, i.status]));
        marker.on('click', e => {
            L.DomEvent.stopPropagation(e);
            if (!state.reportMode) state.dotnet.invokeMethodAsync('OnIncidentClicked', i.id);
        });
        return marker;
    }));
    replace(state, 'incidents', group);
}

export function dispose(state) {
    if (state && !state.removed) {
        state.removed = true;
        state.map.remove();
    }
}
