import Engine

/// A network's parameters grouped by weight layer, in order: each convolution or linear layer with
/// the parameters of the layers after it up to the next one (its bias, the BN's γ and β).
///
/// Santurkar et al.'s measure of internal covariate shift updates "the layers before layer i":
/// these blocks say which parameters those are.
struct WeightLayers {
    struct Block {
        /// The weight layer's child name (`0`, `conv1`, `fc`).
        var name: String
        /// Its weight, whose gradient is measured.
        var weight: Parameter
        /// Every parameter of the block, the weight included.
        var parameters: [Parameter]
    }

    var blocks: [Block]

    init(blocks: [Block] = []) { self.blocks = blocks }

    init(_ model: Sequential) {
        var blocks: [Block] = []
        for (name, layer) in model.layers {
            let params = layer.namedParameters()
            if layer is Conv2d || layer is Linear, let weight = params.first(where: { $0.0 == "weight" })?.1 {
                blocks.append(Block(name: name, weight: weight, parameters: params.map(\.1)))
            } else if !blocks.isEmpty {
                blocks[blocks.count - 1].parameters += params.map(\.1)
            }
        }
        self.blocks = blocks
    }

    var count: Int { blocks.count }
}
