// The public ledger's inclusion proof, fetched from the log API and checked in the reader's browser, so the page does
// not ask anyone to trust the server's word: RFC 9162 §2.1.3.2 recomputes the root from the leaf hash and the proof,
// and it must equal the root of the signed checkpoint the page names. (The command-line client also checks the
// checkpoint's signature; a browser page cannot pin a key for the reader.)
(() => {
    if (customElements.get("ledger-proof")) {
        return;
    }

    const fromBase64 = text => Uint8Array.from(atob(text), c => c.charCodeAt(0));
    const toBase64 = bytes => btoa(String.fromCharCode(...bytes));

    async function node(left, right) {
        const input = new Uint8Array(1 + left.length + right.length);
        input[0] = 1;
        input.set(left, 1);
        input.set(right, 1 + left.length);
        return new Uint8Array(await crypto.subtle.digest("SHA-256", input));
    }

    // Indexes stay below 2^53, so halving is Math.floor(x / 2) rather than a 32-bit shift.
    async function rootFromInclusion(index, size, leaf, path) {
        if (index >= size) {
            throw new Error(`index ${index} is not below size ${size}`);
        }

        let fn = index;
        let sn = size - 1;
        let r = leaf;
        for (const p of path) {
            if (sn === 0) {
                throw new Error("the proof is longer than the tree is deep");
            }

            if (fn % 2 === 1 || fn === sn) {
                r = await node(p, r);
                if (fn % 2 === 0) {
                    while (fn % 2 === 0 && fn !== 0) {
                        fn = Math.floor(fn / 2);
                        sn = Math.floor(sn / 2);
                    }
                }
            } else {
                r = await node(r, p);
            }

            fn = Math.floor(fn / 2);
            sn = Math.floor(sn / 2);
        }

        if (sn !== 0) {
            throw new Error("the proof is shorter than the tree is deep");
        }

        return r;
    }

    class LedgerProof extends HTMLElement {
        async connectedCallback() {
            const { index, size, leaf, root, ok, failed } = this.dataset;
            try {
                const response = await fetch(`api/v1/public/ledger/proof/inclusion?index=${index}&size=${size}`);
                if (!response.ok) {
                    throw new Error(`the log answered ${response.status}`);
                }

                const proof = await response.json();
                if (proof.leafHash !== undefined && proof.leafHash !== leaf) {
                    throw new Error("the log's leaf hash differs from the entry's");
                }

                const computed = toBase64(await rootFromInclusion(Number(index), Number(size), fromBase64(leaf), proof.hashes.map(fromBase64)));
                if (computed !== root) {
                    throw new Error(`the proof leads to ${computed}, the checkpoint's root is ${root}`);
                }

                this.dataset.verified = "true";
                this.textContent = ok.replace("{index}", index).replace("{size}", size).replace("{root}", root);
                const list = document.createElement("ol");
                list.start = 1;
                for (const hash of proof.hashes) {
                    const item = document.createElement("li");
                    item.textContent = hash;
                    list.append(item);
                }

                this.append(list);
            } catch (e) {
                this.dataset.verified = "false";
                this.textContent = failed.replace("{reason}", e.message);
            }
        }
    }

    customElements.define("ledger-proof", LedgerProof);
})();
