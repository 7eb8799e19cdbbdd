// `import SwiftKeras` gives the whole Swift API: the Keras machinery of this module and the
// tensor engine (tensors, ops, GradientTape) it is built on.
@_exported import SwiftKerasCore
