"""What film clubs do together: member reviews with ratings, a watchlist and movie nights.

model.py holds the data classes, enums and validation; reviews.py the review rules and the
post's shape; movienight.py the plan/poll/event steps; storage/community.py the repositories.
"""
