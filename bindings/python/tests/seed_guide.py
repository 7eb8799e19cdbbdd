"""Code from the seed guide shared by test_backend_seed.py and test_keras_seed.py."""
import swiftkeras.keras.backend as K


def huber_loss(y_true, y_pred, delta=1.0):
    """The guide's custom Huber loss, written with backend functions."""
    error = y_true - y_pred
    is_small_error = K.abs(error) <= delta
    squared_loss = 0.5 * K.square(error)
    linear_loss = delta * K.abs(error) - 0.5 * delta ** 2
    return K.mean(K.switch(is_small_error, squared_loss, linear_loss), axis=-1)
