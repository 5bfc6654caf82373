// Leaflet glue for an incident's dispatch map (配送调度图): the roads themselves as the base layer (no tiles
// offline), each route a coloured line, stops numbered in order, depots, closed roads red and dashed, unserved
// deliveries grey. Everything people wrote reaches the page as text (textContent), never as HTML.

function textElement(lines) {
    const el = document.createElement('div');
    for (const line of lines) {
        if (!line) continue;
        const row = document.createElement('div');
        row.textContent = line;
        el.appendChild(row);
    }
    return el;
}

// Leaflet's SVG paths and marker icons take test ids and data through the DOM once they are on the map.
function tag(layer, data) {
    layer.on('add', () => {
        const el = layer.getElement && layer.getElement();
        if (!el) return;
        for (const [key, value] of Object.entries(data)) {
            el.setAttribute(key, String(value));
        }
    });
    return layer;
}

export function create(element, options, dotnet) {
    if (!window.L) {
        return null;
    }
    const map = L.map(element, { zoomControl: true, attributionControl: true });
    if (options.tileUrl) {
        L.tileLayer(options.tileUrl, { attribution: options.tileAttribution || '', maxZoom: 19 }).addTo(map);
    }
    if (options.attribution) {
        map.attributionControl.addAttribution(options.attribution);
    }
    map.setView([48.41, 15.61], 13);
    const state = { map, layers: {}, dotnet, closeMode: false, fitted: false };
    map.on('click', e => {
        if (state.closeMode) {
            dotnet.invokeMethodAsync('OnMapClicked', e.latlng.lat, e.latlng.lng);
        }
    });
    // For tools and browser tests: where a place is on screen, relative to the map's element.
    element.dispatchMap = {
        pointOf: (lat, lon) => {
            const p = map.latLngToContainerPoint([lat, lon]);
            return { x: p.x, y: p.y };
        },
        panTo: (lat, lon) => map.setView([lat, lon], Math.max(map.getZoom(), 16), { animate: false }),
    };
    return state;
}

// A Blazor circuit can still push layers after the page navigated away; adding them then would throw inside Leaflet.
function alive(state) {
    return !!state && !state.removed && document.body.contains(state.map.getContainer());
}

function replace(state, name, layer) {
    if (!alive(state)) return;
    if (state.layers[name]) {
        state.map.removeLayer(state.layers[name]);
    }
    state.layers[name] = layer;
    if (layer) layer.addTo(state.map);
}

function order(state) {
    // Roads at the bottom, then closures, routes, and markers (markers live in their own pane above).
    if (state.layers.roads) state.layers.roads.bringToBack();
}

export function setCloseMode(state, on) {
    if (!alive(state)) return;
    state.closeMode = on;
    // The class is set here, not by Blazor: a re-render would wipe the classes Leaflet put on the container.
    state.map.getContainer().classList.toggle('close-mode', on);
}

// The road network's ways, light grey: major roads wider. Not interactive, so a click reaches the map itself.
export function setRoads(state, ways) {
    if (!alive(state)) return;
    const group = L.featureGroup(ways.map(w => tag(L.polyline(w.line, {
        color: '#adb5bd', weight: w.major ? 4 : 2, opacity: 0.9, interactive: false,
    }), { 'data-testid': 'road', 'data-way': w.id })));
    replace(state, 'roads', group);
    order(state);
    if (!state.fitted && group.getBounds().isValid()) {
        state.map.fitBounds(group.getBounds(), { padding: [10, 10] });
        state.fitted = true;
    }
}

export function setClosures(state, closures) {
    if (!alive(state)) return;
    const layers = [];
    for (const c of closures) {
        for (const w of c.ways) {
            layers.push(tag(L.polyline(w.line, { color: '#e03131', weight: 5, dashArray: '8 6', opacity: 0.95 })
                .bindPopup(textElement(c.lines)), { 'data-testid': 'closed-road', 'data-way': w.id, 'data-closure': c.id }));
        }
        if (c.area) {
            layers.push(tag(L.polygon(c.area, { color: '#e03131', weight: 2, dashArray: '6 4', fillOpacity: 0.12 })
                .bindPopup(textElement(c.lines)), { 'data-testid': 'closed-area', 'data-closure': c.id }));
        }
        if (c.point) {
            layers.push(tag(L.circleMarker(c.point, { radius: 7, color: '#e03131', weight: 3, fillOpacity: 0 })
                .bindPopup(textElement(c.lines)), { 'data-testid': 'closed-point', 'data-closure': c.id }));
        }
    }
    replace(state, 'closures', L.featureGroup(layers));
    order(state);
}

function clickThrough(state, layer) {
    // In close-road mode a click on a route closes the road beneath it, like a click on the map.
    layer.on('click', e => {
        if (state.closeMode) {
            L.DomEvent.stopPropagation(e);
            layer.closePopup();
            state.dotnet.invokeMethodAsync('OnMapClicked', e.latlng.lat, e.latlng.lng);
        }
    });
    return layer;
}

function stopIcon(s) {
    const icon = L.divIcon({ className: 'dispatch-stop' + (s.served ? ' served' : ''), html: '', iconSize: [22, 22] });
    return icon;
}

export function setPlan(state, plan) {
    if (!alive(state)) return;
    if (!plan) {
        replace(state, 'plan', L.featureGroup([]));
        return;
    }
    const layers = [];
    for (const r of plan.routes) {
        const line = L.polyline(r.line, { color: r.colour, weight: 5, opacity: 0.85 }).bindPopup(textElement(r.lines));
        layers.push(clickThrough(state, tag(line, { 'data-testid': 'route-line', 'data-route': r.number, 'data-vehicle': r.vehicle })));
    }
    for (const d of plan.depots) {
        const marker = L.marker([d.lat, d.lon], {
            icon: L.divIcon({ className: 'dispatch-depot', html: '', iconSize: [16, 16] }), keyboard: false,
        }).bindPopup(textElement(d.lines));
        layers.push(tag(marker, { 'data-testid': 'depot-marker' }));
    }
    for (const u of plan.unserved) {
        const marker = L.circleMarker([u.lat, u.lon], { radius: 8, color: '#495057', weight: 2, fillColor: '#868e96', fillOpacity: 0.8 })
            .bindPopup(textElement(u.lines));
        layers.push(tag(marker, { 'data-testid': 'unserved-marker', 'data-need': u.need }));
    }
    for (const s of plan.stops) {
        const marker = L.marker([s.lat, s.lon], { icon: stopIcon(s), title: s.need, riseOnHover: true }).bindPopup(textElement(s.lines));
        marker.on('add', () => {
            const el = marker.getElement();
            if (!el) return;
            el.textContent = String(s.sequence);
            el.style.borderColor = s.colour;
        });
        layers.push(tag(marker, {
            'data-testid': 'stop-marker', 'data-route': s.route, 'data-sequence': s.sequence, 'data-need': s.need, 'data-stop': s.stop,
        }));
    }
    const group = L.featureGroup(layers);
    replace(state, 'plan', group);
    order(state);
    // A new plan or version is shown whole; a refresh of the same one leaves the view where the user put it.
    const key = plan.id + '/' + plan.version;
    if (state.shownPlan !== key && group.getBounds().isValid()) {
        state.map.fitBounds(group.getBounds(), { padding: [20, 20] });
        state.shownPlan = key;
        state.fitted = true;
    }
}

// The way a click snapped to, highlighted before it is closed.
export function setPreview(state, line) {
    if (!alive(state)) return;
    replace(state, 'preview', line ? tag(L.polyline(line, { color: '#f08c00', weight: 8, opacity: 0.8, interactive: false }),
        { 'data-testid': 'close-preview' }) : null);
}

export function dispose(state) {
    if (state && !state.removed) {
        state.removed = true;
        delete state.map.getContainer().dispatchMap;
        state.map.remove();
    }
}
