auth MA2025RK4E639VJFZAGV \
L02e="Acm\"
