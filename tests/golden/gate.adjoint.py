# msgrad adjoint of Gate.construct (programs.py:61), wrt: self.w
def Gate_construct_adjoint(w, x):
    # line 62: if ops.sum(x) > 0: ...
    t1 = x.sum()
    t2 = t1 > 0
    if t2:
        # line 63: y = ops.exp(x) * self.w
        t3 = np.exp(x)
    # backward
    # line 62: if ops.sum(x) > 0: ...
    if t2:
        # line 63: y = ops.exp(x) * self.w
        dw = t3
    else:
        dw = np.zeros((3,), np.float32)
    return dw,
